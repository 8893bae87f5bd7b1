// The WebAssembly SIMD ceiling of this machine, measured: a register-only loop of independent 128-bit
// multiply-adds (relaxed-SIMD FMA when the runtime has it, else separate mul+add, as the GEMM kernel uses), no
// memory traffic. The matmul goal ("above 85% of the wasm SIMD ceiling on one thread") is read against this
// number, taken in the same run as the matmul rows. Beside it, in the same process and interleaved with it, the
// engine's own GEMM macro-kernel on packed, cache-resident panels: what the kernel reaches before the driver's
// packing, copies and allocations (the matmul rows include those). Prints {"gflops", "fma", "kernelGflops", "cpu"}
// (cpu: engine/kernels/cpu-identity.ts, which the bench's table header names).
//   node [--experimental-wasm-relaxed-simd] --import tsx bench/wasm-ceiling.ts
import { Fn, buildModule } from '../engine/backends/wasm/emitter';
import { buildKernelsModule, relaxedSimdAvailable } from '../engine/backends/wasm/kernels-module';
import { NR } from '../engine/backends/wasm/tile-step';
import { kernelVariant } from '../engine/backends/wasm/runtime';
import { cpuIdentity } from '../engine/kernels/cpu-identity';

const CHAINS = 8; // enough independent accumulators to cover the multiply-add latency on 2 pipes
const ITERS = 2_000_000;

function probe(fma: boolean): Fn {
  const f = new Fn('peak', ['i32', 'f32', 'f32']);
  const [iters, x, y] = [0, 1, 2];
  const a = f.local('v128'), b = f.local('v128');
  const acc: number[] = [];
  for (let i = 0; i < CHAINS; i++) acc.push(f.local('v128'));
  f.get(x).f32x4Splat().set(a);
  f.get(y).f32x4Splat().set(b);
  for (const r of acc) f.get(y).f32x4Splat().set(r);
  f.loop();
  for (const r of acc) {
    if (fma) f.get(a).get(b).get(r).f32x4RelaxedMadd().set(r);
    else f.get(r).get(a).get(b).f32x4Mul().f32x4Add().set(r);
  }
  f.get(iters).i32(1).i32Sub().tee(iters).brIf(0);
  f.end();
  // Store the accumulators so the loop is observable.
  acc.forEach((r, i) => f.i32(0).get(r).v128Store(16 * i));
  return f;
}

const fma = relaxedSimdAvailable();
const module = new WebAssembly.Module(buildModule([probe(fma)], { initial: 1, maximum: 1, shared: false }));
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
const peak = new WebAssembly.Instance(module, { env: { memory } }).exports.peak as (n: number, x: number, y: number) => void;
// acc grows by x*y = 0.25 per iteration: finite and normal throughout (denormals would slow the loop).
const run = (): number => {
  const t0 = performance.now();
  peak(ITERS, 0.5, 0.5);
  return performance.now() - t0;
};
/** The macro-kernel on one packed A block (96 x 256) and B block (256 x 512), the driver's blocking sizes. */
function kernelProbe(): () => number {
  // The variant the engine picks here (tile height depends on the Node version).
  const variant = kernelVariant(fma);
  const mod = new WebAssembly.Module(buildKernelsModule(variant));
  const mem = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
  const macro = new WebAssembly.Instance(mod, { env: { memory: mem } }).exports.macro as (...a: number[]) => void;
  const [mc, n, kc] = [96, 512, 256];
  const pa = 4096, pb = pa + mc * kc * 4, c = pb + n * kc * 4;
  const f32 = new Float32Array(mem.buffer);
  for (let i = pa >> 2; i < c >> 2; i++) f32[i] = 0.5 + (i % 7) * 0.01;
  const mT = Math.ceil(mc / variant.mr);
  const nT = n / NR;
  const flops = 2 * mT * variant.mr * n * kc;
  return () => {
    const reps = 40;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) macro(mT, nT, kc, pa, pb, c, n * 4, 0);
    return (flops * reps) / ((performance.now() - t0) / 1000) / 1e9;
  };
}

function main(): void {
  const kernel = kernelProbe();
  for (let i = 0; i < 5; i++) {
    run();
    kernel();
  }
  let best = Infinity;
  let bestKernel = 0;
  // Interleaved, so a slow spell of the machine hits both alike; best of each.
  for (let i = 0; i < 30; i++) {
    best = Math.min(best, run());
    bestKernel = Math.max(bestKernel, kernel());
  }
  const flops = ITERS * CHAINS * 4 * 2;
  console.log(JSON.stringify({ gflops: flops / (best / 1000) / 1e9, fma, kernelGflops: bestKernel, cpu: cpuIdentity() }));
}

main();
