// Assembles the one WebAssembly module every wasm kernel lives in (shared memory, two threads): the GEMM and its
// packing (gemm-module.ts, gemm-pack-module.ts), im2col/col2im, max pooling, ReLU, tanh/sigmoid, the fused
// optimizer updates, the non-finite scan, the LSTM/GRU cells, the direct convolutions and the column/plane sums,
// each generated in a file of its own. Kernels call one another and the runtime finds them by export name, so
// the order below only fixes function indices, not meaning.
import { ACTIVATION_FNS } from '../../kernels/kernel-map';
import { activationFn, activationGradFn } from './activation-module';
import { copyBytesFn, copyRowsFn, repeatRowFn, zeroBytesFn } from './bulk-module';
import { diffSumsFn, gradSumsFn, momentsFn } from './stats-module';
import { Fn, buildModule } from './emitter';
import { convDirectFns } from './conv-direct-module';
import { macroKernel, microKernel, microKernelDirectA } from './gemm-module';
import { packContigFn, packFn, packGatherFn, packTransFn } from './gemm-pack-module';
import { col2imRowFn, im2colRowFn } from './im2col-module';
import { gruCellFn, gruCellGradFn, lstmCellFn, lstmCellGradFn } from './lstm-module';
import { maxPoolBack2x2Fn, maxPoolBackFn } from './max-pool-back-module';
import { maxPoolFn, maxPoolUnrolledFn } from './max-pool-module';
import { maxPool2x2VecFn } from './max-pool-vec-module';
import { nonFiniteFn } from './non-finite-module';
import { ADAM_MODES, MOMENTUM_MODES, adamFn, sgdFn } from './optimizers-module';
import { reluFn, reluGradFn } from './relu-module';
import { colSumsFn, planeSumsFn } from './sums-module';
import { NR, type KernelVariant } from './tile-step';

export type { KernelVariant } from './tile-step';

export const MAX_PAGES = 32768; // 2 GiB: shared memories must declare a maximum

export function buildKernelsModule(v: KernelVariant): Uint8Array<ArrayBuffer> {
  const fns: Fn[] = [microKernel(v)];
  fns.push(macroKernel(v), packFn(), packContigFn(NR), packGatherFn(v.mr), packGatherFn(NR), im2colRowFn(), col2imRowFn(), maxPoolFn(), maxPoolUnrolledFn(2, 2), maxPoolUnrolledFn(3, 3));
  fns.push(reluFn(), reluGradFn());
  for (const mode of ADAM_MODES) for (const ams of [false, true]) fns.push(adamFn(mode, ams));
  for (const mode of MOMENTUM_MODES) for (const wd of [false, true]) fns.push(sgdFn(mode, wd));
  fns.push(nonFiniteFn(), lstmCellFn(), lstmCellGradFn(), gruCellFn(), gruCellGradFn());
  fns.push(...convDirectFns(v), maxPool2x2VecFn(), colSumsFn(), planeSumsFn(), maxPoolBackFn(), maxPoolBack2x2Fn());
  fns.push(microKernelDirectA(v), macroKernel(v, true), packTransFn(NR));
  // The vector packs of A's MR-row panels need MR to be whole vectors: 4 on Node 20, not 6 (packCalls then gathers).
  if (v.mr % 4 === 0) fns.push(packTransFn(v.mr), packContigFn(v.mr));
  for (const fn of ACTIVATION_FNS) fns.push(activationFn(fn), activationGradFn(fn));
  fns.push(zeroBytesFn(), copyBytesFn(), copyRowsFn(), momentsFn(), gradSumsFn(), diffSumsFn(), repeatRowFn());
  return buildModule(fns, { initial: 1, maximum: MAX_PAGES, shared: true });
}

/** Whether this runtime accepts relaxed-SIMD FMA (Node 24 by default, Node 20 only with a flag). */
export function relaxedSimdAvailable(): boolean {
  const g = new Fn('t', [], []);
  const acc = g.local('v128');
  g.v128Zero().v128Zero().v128Zero().f32x4RelaxedMadd().set(acc);
  return WebAssembly.validate(buildModule([g], { initial: 1, maximum: 1, shared: false }));
}

export function simdAvailable(): boolean {
  const g = new Fn('t', [], []);
  const acc = g.local('v128');
  g.v128Zero().set(acc);
  return WebAssembly.validate(buildModule([g], { initial: 1, maximum: 1, shared: false }));
}
