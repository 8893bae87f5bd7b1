// Start latency: how long from `gradlens train` to the first training step, on the MNIST MLP (bundling the model,
// starting the engine child and its kernels, loading the digits, the shape look-ahead, one step). Wall-clock on a
// shared machine only ever gains noise, so the minimum over runs is the honest figure; the median shows the spread.
// Run on demand (`npm run bench:start [-- runs]`), never as a test: a timed test fails on a busy machine, not on a
// slow engine. Measures the CLI end to end with --max-steps 1, so the figure includes the process's own exit.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 7);
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['dist/cli.js', 'train', 'examples/mnist-mlp.ts', '--max-steps', '1'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gradlens train failed:\n${r.stdout}\n${r.stderr}`);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const ms = (t) => `${t.toFixed(0)} ms`;
console.log(`start -> first step -> exit, MNIST MLP, ${runs} runs: min ${ms(times[0])}, median ${ms(times[runs >> 1])}, max ${ms(times[runs - 1])}`);
