// The model workloads of bench/workloads.mjs written with Gradlens's own API: one training step (forward,
// cross-entropy, backward, Adam) at batch 64 on random data. Shared by the bench peer (bench/peers/gradlens-peer.ts)
// and the step-level measurement scripts (bench/step-setup.ts), so a profile is of exactly the step the bench times.
import { Tensor, nn, optim, randn, tensor, matmul } from '../engine/index';

export const BATCH = 64;

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

/** One iteration of the named workload (`matmul-N`, `mlp`, `cnn`, `cnn-nopool`, `lstm`). */
export function makeWorkload(name: string): () => void {
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
