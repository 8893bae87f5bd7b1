// The WebAssembly SIMD backend: GEMM-based MatMul and convolutions, max pooling, fused optimizer updates,
// optionally on two threads. Created asynchronously because compiling the module and starting the helper thread
// take a moment.
import type { Backend } from '../../kernels/registry';
import { makeActivation, makeActivationGrad } from './activation';
import { makeBiasGrad } from './bias-grad';
import { makeConv2D } from './conv2d';
import { makeConv2DBackpropFilter } from './conv2d-backprop-filter';
import { makeConv2DBackpropInput } from './conv2d-backprop-input';
import { makeGruCell, makeGruCellGrad, makeLstmCell, makeLstmCellGrad } from './lstm-cell';
import { makeLstmSequence, makeLstmSequenceGrad } from './lstm-sequence';
import { makeMatMul } from './matmul';
import { makeMaxPool2D, makeMaxPool2DBackward } from './max-pool2d';
import { makeAdamUpdate, makeSgdUpdate } from './optimizers';
import { makeRelu, makeReluGrad } from './relu';
import { WasmRuntime, type WasmRuntimeInfo } from './runtime';
import { makeFastStats } from './stats';
import type { FastStats } from '../../monitor/tensor-stats';

export interface WasmBackend extends Backend {
  info: WasmRuntimeInfo;
  /** Bytes of the heap held by resident buffers and the pass arena (for tests and reports). */
  heapBytes(): number;
  /** The telemetry's passes (engine/monitor/tensor-stats.ts) as v128 loops. */
  stats: FastStats;
  dispose(): Promise<void>;
}

export interface WasmBackendOptions {
  /** 1 or 2 (default: 2 when the machine has at least 2 cores). */
  threads?: number;
  /** Force relaxed-SIMD FMA on or off (default: on when the runtime validates it). */
  fma?: boolean;
}

export async function createWasmBackend(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  const { availableParallelism } = await import('node:os');
  const threads = opts.threads ?? (availableParallelism() >= 2 ? 2 : 1);
  const rt = await WasmRuntime.create({ threads, fma: opts.fma });
  const steps = { MatMul: makeMatMul(rt), BiasGrad: makeBiasGrad(rt), LstmCell: makeLstmCell(rt), LstmCellGrad: makeLstmCellGrad(rt) };
  return {
    name: 'wasm',
    info: rt.info(),
    dispose: () => rt.dispose(),
    heapBytes: () => rt.heap.residentBytes(),
    stats: makeFastStats(rt),
    resident: (length) => rt.heap.allocResident(length),
    passArena: rt.heap.arena,
    kernels: {
      MatMul: steps.MatMul,
      BiasGrad: steps.BiasGrad,
      Conv2D: makeConv2D(rt),
      Conv2DBackpropInput: makeConv2DBackpropInput(rt),
      Conv2DBackpropFilter: makeConv2DBackpropFilter(rt),
      MaxPool2D: makeMaxPool2D(rt),
      MaxPool2DBackward: makeMaxPool2DBackward(rt),
      AdamUpdate: makeAdamUpdate(rt),
      SgdUpdate: makeSgdUpdate(rt),
      Relu: makeRelu(rt),
      ReluGrad: makeReluGrad(rt),
      Activation: makeActivation(rt),
      ActivationGrad: makeActivationGrad(rt),
      LstmCell: steps.LstmCell,
      LstmCellGrad: steps.LstmCellGrad,
      LstmSequence: makeLstmSequence(rt, steps),
      LstmSequenceGrad: makeLstmSequenceGrad(rt, steps),
      GruCell: makeGruCell(rt),
      GruCellGrad: makeGruCellGrad(rt),
    },
  };
}
