// Kernel dispatch: op code calls runKernel(name, ...) and the registry picks the backend for that kernel.
// The plain TypeScript CPU backend is the reference and implements every kernel; faster backends register
// the kernels they have, and calibration (or a user setting) chooses per kernel.
import type { BackendName } from '../../protocol/messages';
import { cpuBackend } from '../backends/cpu';
import { KERNEL_NAMES, type KernelMap, type KernelName } from './kernel-map';

export interface Backend {
  name: BackendName;
  kernels: Partial<KernelMap>;
  /** Zero-filled buffers in the backend's own memory, which its kernels use in place (see engine/storage.ts). */
  resident?: (length: number) => Float32Array;
  /** Memory the backend's kernels write their outputs into while autograd runs a backward function. */
  passArena?: PassArena;
}

/**
 * Kernel outputs with the lifetime of one backward pass (engine/autograd.ts drives it; the wasm heap's is in
 * backends/wasm/pass-arena.ts). Between openFor() and close(), a kernel may return a view into the backend's memory
 * that stays valid until endPass(); owns() tells such a view apart, so what outlives the pass is copied first.
 */
export interface PassArena {
  beginPass(): void;
  endPass(): void;
  /** Opens the arena to kernel outputs; returns the previous state for close(). */
  openFor(): boolean;
  close(previous: boolean): void;
  owns(a: Float32Array): boolean;
}

export class KernelNotImplementedError extends Error {
  constructor(
    readonly kernel: KernelName,
    readonly backend: BackendName,
  ) {
    super(`Kernel '${kernel}' is not implemented on backend '${backend}'.`);
    this.name = 'KernelNotImplementedError';
  }
}

// The CPU reference is always present, so code that never initialises backends still runs.
const backends = new Map<BackendName, Backend>([['cpu', cpuBackend]]);
/** Which backend runs each kernel; kernels absent here run on the CPU reference. */
const choice = new Map<KernelName, BackendName>();
let forced: BackendName | undefined;

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** The allocator for long-lived buffers: the first registered backend that has its own memory, if any. */
export function residentProvider(): ((length: number) => Float32Array) | undefined {
  for (const b of backends.values()) if (b.resident) return b.resident;
  return undefined;
}

/** The pass arena of the first registered backend that has one, if any. */
export function passArena(): PassArena | undefined {
  for (const b of backends.values()) if (b.passArena) return b.passArena;
  return undefined;
}

export function getBackend(name: BackendName): Backend | undefined {
  return backends.get(name);
}

export function registeredBackends(): BackendName[] {
  return [...backends.keys()];
}

/**
 * Forces every kernel onto one backend (the `gradlens.backend` setting). A forced backend that lacks a kernel
 * makes that kernel throw KernelNotImplementedError rather than silently running elsewhere.
 */
export function forceBackend(name: BackendName | undefined): void {
  if (name !== undefined && !backends.has(name)) throw new Error(`Backend '${name}' is not available on this machine.`);
  forced = name;
  choice.clear();
}

/** Chooses the backend of one kernel (calibration). */
export function chooseBackend(kernel: KernelName, name: BackendName): void {
  const backend = backends.get(name);
  if (!backend) throw new Error(`Backend '${name}' is not registered.`);
  if (!backend.kernels[kernel]) throw new KernelNotImplementedError(kernel, name);
  choice.set(kernel, name);
}

export function backendFor(kernel: KernelName): BackendName {
  return forced ?? choice.get(kernel) ?? 'cpu';
}

/** The backend that runs each kernel now (reported to the user by the CLI and the panel). */
export function kernelBackends(): Record<KernelName, BackendName> {
  const out = {} as Record<KernelName, BackendName>;
  for (const k of KERNEL_NAMES) out[k] = backendFor(k);
  return out;
}

export function kernelOn<K extends KernelName>(kernel: K, name: BackendName): KernelMap[K] {
  const impl = backends.get(name)?.kernels[kernel];
  if (!impl) throw new KernelNotImplementedError(kernel, name);
  return impl as KernelMap[K];
}

export function runKernel<K extends KernelName>(kernel: K, ...args: Parameters<KernelMap[K]>): ReturnType<KernelMap[K]> {
  const impl = kernelOn(kernel, backendFor(kernel)) as (...a: Parameters<KernelMap[K]>) => ReturnType<KernelMap[K]>;
  return impl(...args);
}
