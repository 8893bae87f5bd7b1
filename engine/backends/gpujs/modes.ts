// Which gpu.js modes this process can run. The engine's kernel interface is synchronous, so only modes with a
// synchronous kernel call can back it: 'webasm' (gpu.js's WebAssembly compiler, any Node), 'headlessgl' (needs
// the optional `gl` package and a GL driver), 'cpu' (transpiled JS). 'webgpu' is detected and reported, but its
// readback is always a Promise, so it is usable only from asynchronous code such as bench/gpu-webgpu.mjs.
import type { GPU as GPUType } from 'gpu.js';

export type GpujsMode = 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';

export interface GpujsModes {
  /** Modes that work here, best first. */
  available: GpujsMode[];
  /** Why each unavailable mode is not (for the calibration report). */
  unavailable: Partial<Record<GpujsMode, string>>;
}

export type GpuModule = typeof import('gpu.js');

export async function loadGpujs(): Promise<GpuModule> {
  return import('gpu.js');
}

export async function detectModes(mod: GpuModule): Promise<GpujsModes> {
  const G: typeof GPUType = mod.GPU;
  const available: GpujsMode[] = [];
  const unavailable: Partial<Record<GpujsMode, string>> = {};
  const webgpu = G.isWebGPUSupported ? await G.isWebGPUAvailable().catch(() => false) : false;
  if (webgpu) available.push('webgpu');
  else unavailable.webgpu = G.isWebGPUSupported ? 'navigator.gpu has no adapter' : 'no navigator.gpu (load the npm `webgpu` package first)';
  if (G.isHeadlessGLSupported) available.push('headlessgl');
  else unavailable.headlessgl = 'the optional `gl` package or a GL driver is missing';
  if (G.isWebAssemblySupported) available.push('webasm');
  else unavailable.webasm = 'WebAssembly is not supported';
  available.push('cpu');
  return { available, unavailable };
}

/** The best mode with a synchronous kernel call. */
export function syncMode(modes: GpujsModes): Exclude<GpujsMode, 'webgpu'> {
  for (const m of modes.available) if (m !== 'webgpu') return m;
  return 'cpu';
}
