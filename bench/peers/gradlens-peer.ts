// Gradlens peer for bench/run.mjs: the engine's own Tensor/nn/optim API on one backend setting, with the same
// JSON-lines protocol and workloads as torch_peer.py. argv: backend ('cpu' | 'wasm' | 'gpujs' | 'auto') and the
// number of wasm threads (1 or 2).
import { createInterface } from 'node:readline';
import { Tensor, nn, optim, randn, tensor, manual_seed, matmul } from '../../engine/index';
import { initBackends } from '../../engine/kernels/register-backends';
import type { BackendName } from '../../protocol/messages';

const BATCH = 64;

class Lstm extends nn.Module {
  lstm = new nn.LSTM(28, 128, { batch_first: true });
  head = new nn.Linear(128, 10);
  forward(x: Tensor): Tensor {
    const [out] = this.lstm(x);
    return this.head(out.narrow(1, out.shape[1] - 1, 1).squeeze(1));
  }
}

function cnn(pool: boolean): nn.Sequential {
  const layers = pool
    ? [new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(10, 20, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(320, 50)]
    : [new nn.Conv2d(1, 10, 5), new nn.ReLU(), new nn.Conv2d(10, 20, 5), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8000, 50)];
  return new nn.Sequential(...layers, new nn.ReLU(), new nn.Linear(50, 10));
}

function trainer(model: nn.Module<[Tensor], Tensor>, x: Tensor): () => void {
  const y = tensor(Array.from({ length: BATCH }, (_, i) => (i * 7) % 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  return () => {
    opt.zero_grad();
    const loss = lossFn(model(x), y);
    loss.backward();
    opt.step();
  };
}

function make(name: string): () => void {
  if (name.startsWith('matmul-')) {
    const n = Number(name.split('-')[1]);
    const a = randn([n, n]), b = randn([n, n]);
    return () => void matmul(a, b);
  }
  if (name === 'mlp') return trainer(new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)), randn([BATCH, 784]));
  if (name === 'cnn') return trainer(cnn(true), randn([BATCH, 1, 28, 28]));
  if (name === 'cnn-nopool') return trainer(cnn(false), randn([BATCH, 1, 28, 28]));
  if (name === 'lstm') return trainer(new Lstm(), randn([BATCH, 28, 28]));
  throw new Error(`unknown workload ${name}`);
}

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
