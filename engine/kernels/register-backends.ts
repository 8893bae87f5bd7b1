// Registers the backends this machine can run. The CPU reference is always there (the registry holds it from the
// start, so code that never awaits still works); the faster backends need an asynchronous start (compiling WebAssembly, spawning a
// helper thread, loading gpu.js) and join through initBackends, which then calibrates per kernel or applies a
// forced choice. A backend that fails to start is reported, never fatal: the CPU reference still runs everything.
import { createRequire } from 'node:module';
import type { BackendName } from '../../protocol/messages';
import type { GpujsBackend } from '../backends/gpujs';
import type { WasmBackend } from '../backends/wasm';
import { setFastStats } from '../monitor/tensor-stats';
import { calibrate, type CalibrationResult } from './calibrate';
import { accountExternalMemoryInGlobalLimit } from './gc-tuning';
import type { KernelName } from './kernel-map';
import { forceBackend, getBackend, kernelBackends, registerBackend } from './registry';

export interface InitBackendsOptions {
  /** 'auto' (default) calibrates per kernel; a backend name forces every kernel onto it. */
  backend?: 'auto' | BackendName;
  /** Where the calibration cache lives; no caching when absent. */
  cacheDir?: string;
  /** WebAssembly helper threads: 1 or 2 (default 2 on a machine with 2+ cores). */
  wasmThreads?: number;
}

export interface BackendsReport {
  backends: BackendName[];
  kernels: Record<KernelName, BackendName>;
  /** Backends that could not start, with the reason. */
  failed: Partial<Record<BackendName, string>>;
  wasm?: WasmBackend['info'];
  gpujs?: GpujsBackend['info'];
  calibration?: CalibrationResult;
}

let wasm: Promise<WasmBackend> | undefined;
let gpujs: Promise<GpujsBackend> | undefined;

/**
 * gpu.js on a machine without GL runs its WebAssembly mode, measured ~25x slower than our wasm GEMM; loading it
 * (~200 ms) is then only worth it when the user asks for it by name.
 */
function gpuModeLikely(): boolean {
  try {
    createRequire(__filename).resolve('gl');
    return true;
  } catch {
    return false;
  }
}

export async function initBackends(opts: InitBackendsOptions = {}): Promise<BackendsReport> {
  const want = opts.backend ?? 'auto';
  const failed: BackendsReport['failed'] = {};
  const report: Omit<BackendsReport, 'backends' | 'kernels'> = { failed };
  if (want === 'auto' || want === 'wasm') {
    // Its kernel results are fresh ArrayBuffers: keep them from driving full garbage collections (gc-tuning.ts).
    accountExternalMemoryInGlobalLimit();
    wasm ??= import('../backends/wasm').then((m) => m.createWasmBackend({ threads: opts.wasmThreads }));
    try {
      const b = await wasm;
      registerBackend(b);
      // The telemetry's statistics passes too: their JavaScript loops were a large share of a CLI run's time.
      setFastStats(b.stats);
      report.wasm = b.info;
    } catch (e) {
      wasm = undefined;
      failed.wasm = e instanceof Error ? e.message : String(e);
    }
  }
  if (want === 'gpujs' || (want === 'auto' && gpuModeLikely())) {
    gpujs ??= import('../backends/gpujs').then((m) => m.createGpujsBackend());
    try {
      const b = await gpujs;
      registerBackend(b);
      report.gpujs = b.info;
    } catch (e) {
      gpujs = undefined;
      failed.gpujs = e instanceof Error ? e.message : String(e);
    }
  }
  if (want === 'auto') {
    forceBackend(undefined);
    const w = report.wasm;
    report.calibration = calibrate({ cacheDir: opts.cacheDir, keyExtra: w ? `wasm ${w.threads}t ${w.variant.mr}x8${w.variant.fma ? ' fma' : ''}` : '' });
  } else {
    if (failed[want]) throw new Error(`Backend '${want}' could not start: ${failed[want]}`);
    forceBackend(want);
  }
  const backends = (['cpu', 'wasm', 'gpujs'] as BackendName[]).filter((b) => getBackend(b));
  return { ...report, backends, kernels: kernelBackends() };
}
