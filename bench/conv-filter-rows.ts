// The convolution filter gradient's speed against the length of the rows its kernel runs (one thread, the wasm
// backend's Conv2DBackpropFilter): the measurement behind the one-long-row form in conv-direct.ts (lockstepRows).
//   node --experimental-wasm-relaxed-simd --import tsx bench/conv-filter-rows.ts
// Each line: a shape, then GFLOP/s (best of 5 timed repeats) with a finite input, which runs each image as one
// long row where the kernel takes them (from 100 taps: conv1, with 25, runs short rows in both columns), and with a
// NaN in the input's last element, which keeps the short output rows. The NaN changes the sums, not the work.
// "1 x 480" is the no-pool CNN's conv2 laid out as one output row per image, as the long-row form runs it (20 x 24
// values, of which 20 x 20 are real outputs); "128 x 128" shows what long rows reach.
import { initBackends } from '../engine/kernels/register-backends';
import { runKernel } from '../engine/kernels/registry';
import type { Conv2DAttrs } from '../engine/kernels/kernel-map';

const SHAPES: Array<[label: string, n: number, h: number, w: number, cIn: number, cOut: number]> = [
  ['no-pool CNN conv2, 20 x 20 outputs', 64, 24, 24, 10, 20],
  ['pooled CNN conv2, 8 x 8 outputs', 64, 12, 12, 10, 20],
  ['no-pool CNN conv1, 24 x 24 outputs', 64, 28, 28, 1, 10],
  ['one row of 480 outputs', 64, 5, 484, 10, 20],
  ['128 x 128 outputs', 2, 132, 132, 10, 20],
];

function attrs(n: number, h: number, w: number, cIn: number, cOut: number): Conv2DAttrs {
  return { n, cIn, h, w, cOut, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1, outH: h - 4, outW: w - 4 };
}

function gflops(x: Float32Array, dy: Float32Array, at: Conv2DAttrs): number {
  const flops = 2 * at.n * at.cOut * at.cIn * at.kh * at.kw * at.outH * at.outW;
  const reps = Math.max(3, Math.round(1e9 / flops));
  for (let i = 0; i < reps; i++) runKernel('Conv2DBackpropFilter', x, dy, at);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) runKernel('Conv2DBackpropFilter', x, dy, at);
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return flops / best / 1e6;
}

async function main(): Promise<void> {
  await initBackends({ backend: 'wasm', wasmThreads: 1 });
  for (const [label, n, h, w, cIn, cOut] of SHAPES) {
    const at = attrs(n, h, w, cIn, cOut);
    const x = Float32Array.from({ length: n * cIn * h * w }, (_, i) => Math.sin(i * 0.37));
    const dy = Float32Array.from({ length: n * cOut * at.outH * at.outW }, (_, i) => Math.cos(i * 0.11));
    const long = gflops(x, dy, at);
    const withNaN = x.slice();
    withNaN[withNaN.length - 1] = NaN;
    const rows = gflops(withNaN, dy, at);
    console.log(`${label.padEnd(36)} long rows ${long.toFixed(1).padStart(5)} GFLOP/s   short rows ${rows.toFixed(1).padStart(5)} GFLOP/s`);
  }
  process.exit(0);
}

void main();
