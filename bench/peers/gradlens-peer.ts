// Gradlens peer for bench/run.mjs: the engine's own Tensor/nn/optim API on one backend setting, with the same
// JSON-lines protocol and workloads as torch_peer.py. argv: backend ('cpu' | 'wasm' | 'gpujs' | 'auto') and the
// number of wasm threads (1 or 2).
import { createInterface } from 'node:readline';
import { manual_seed } from '../../engine/index';
import { initBackends } from '../../engine/kernels/register-backends';
import type { BackendName } from '../../protocol/messages';
import { makeWorkload as make } from '../step-models';

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'auto') as BackendName | 'auto';
  const report = await initBackends({ backend, wasmThreads: Number(process.argv[3] ?? 2) });
  manual_seed(0);
  console.log(JSON.stringify({ ready: true, backend, kernels: report.kernels, wasm: report.wasm, gpujs: report.gpujs?.mode }));
  const fns = new Map<string, () => void>();
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { workload: string; seconds: number; minIters?: number };
    try {
      let f = fns.get(cmd.workload);
      if (!f) {
        f = make(cmd.workload);
        f();
        fns.set(cmd.workload, f);
      }
      let iters = 0;
      let t = 0;
      const t0 = performance.now();
      do {
        f();
        iters++;
        t = (performance.now() - t0) / 1000;
      } while (t < cmd.seconds || iters < (cmd.minIters ?? 2));
      console.log(JSON.stringify({ ok: true, iters, seconds: t }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, error: String(e instanceof Error ? e.message : e).slice(0, 300) }));
    }
  }
  process.exit(0);
}

void main();
