// The gpu.js backend: every kernel as gpu.js kernels (one output value per thread, gather form, so the conv
// gradients and pooling need no atomics), compiled per shape and cached by name (compile.ts); the sources are in
// sources/, one file per concern, and the optimizer and recurrent-cell wrappers in optimizers.ts and
// recurrent.ts. It runs in the best synchronous gpu.js mode found here ('headlessgl' when a GL driver and the
// `gl` package are present, else 'webasm'); the modes detected are reported in `info`.
import { type ActivationAttrs, type ActivationFn, type BiasGradAttrs, type Conv2DAttrs, type MatMulAttrs, type Pool2DAttrs } from '../../kernels/kernel-map';
import type { Backend } from '../../kernels/registry';
import { activationGrad as cpuActivationGrad } from '../cpu/activation';
import { delivered, KernelCache } from './compile';
import { detectModes, loadGpujs, syncMode, type GpujsMode, type GpujsModes } from './modes';
import { optimizerKernels } from './optimizers';
import { recurrentKernels } from './recurrent';
import { lstmSequenceGradOf, lstmSequenceOf } from '../../kernels/lstm-sequence';
import { CONV2D, CONV2D_DW, CONV2D_DX } from './sources/conv';
import { ACTIVATION, ACTIVATION_GRAD, RELU, RELU_GRAD } from './sources/elementwise';
import { BIAS_GRAD, MATMUL } from './sources/linear';
import { MAXPOOL, MAXPOOL_BACK } from './sources/pool';

export interface GpujsBackend extends Backend {
  info: { mode: GpujsMode; modes: GpujsModes };
  dispose(): Promise<void>;
}

export async function createGpujsBackend(opts: { mode?: Exclude<GpujsMode, 'webgpu'> } = {}): Promise<GpujsBackend> {
  const mod = await loadGpujs();
  const modes = await detectModes(mod);
  const mode = opts.mode ?? syncMode(modes);
  if (!modes.available.includes(mode)) throw new Error(`gpu.js mode '${mode}' is not available here: ${modes.unavailable[mode] ?? ''}`);
  const gpu = new mod.GPU({ mode });
  const cache = new KernelCache(gpu, mode);
  const call = cache.call.bind(cache);

  const matMul = (a: Float32Array, b: Float32Array, at: MatMulAttrs): Float32Array => {
    const { m, k, n, transA, transB } = at;
    const batch = at.batch ?? 1;
    if (m * n * batch === 0) return new Float32Array(0);
    const constants = {
      n, mn: m * n, k,
      aBatch: m * k, aRow: transA ? 1 : k, aCol: transA ? m : 1,
      bBatch: at.broadcastB ? 0 : k * n, bRow: transB ? 1 : n, bCol: transB ? k : 1,
    };
    const c = call(MATMUL, batch * m * n, constants, a.subarray(0, batch * m * k), b.subarray(0, (at.broadcastB ? 1 : batch) * k * n));
    const bias = at.bias;
    if (bias) for (let i = 0; i < batch * m; i++) for (let j = 0; j < n; j++) c[i * n + j] += bias[j];
    return c;
  };

  const convConstants = (at: Conv2DAttrs): Record<string, number> => ({ ...at, cinG: at.cIn / at.groups, coutG: at.cOut / at.groups });
  const conv2d = (x: Float32Array, w: Float32Array, bias: Float32Array | null, at: Conv2DAttrs): Float32Array => {
    return call(CONV2D, at.n * at.cOut * at.outH * at.outW, convConstants(at), x, w, bias ?? new Float32Array(at.cOut));
  };

  const conv2dBackpropInput = (dy: Float32Array, w: Float32Array, at: Conv2DAttrs): Float32Array =>
    call(CONV2D_DX, at.n * at.cIn * at.h * at.w, convConstants(at), dy, w);
  const conv2dBackpropFilter = (x: Float32Array, dy: Float32Array, at: Conv2DAttrs): Float32Array =>
    call(CONV2D_DW, (at.cOut * at.cIn * at.kh * at.kw) / at.groups, convConstants(at), x, dy);

  const maxPool2d = (x: Float32Array, at: Pool2DAttrs): { y: Float32Array; argmax: Int32Array } => {
    const size = at.n * at.c * at.outH * at.outW;
    const y = call(MAXPOOL, size, { ...at, want: 0 }, x);
    const argmax = Int32Array.from(call(MAXPOOL, size, { ...at, want: 1 }, x));
    return { y, argmax };
  };

  const biasGrad = (g: Float32Array, at: BiasGradAttrs): Float32Array =>
    at.channels === 0 ? new Float32Array(0) : call(BIAS_GRAD, at.channels, { ...at }, g.subarray(0, at.outer * at.channels * at.inner));
  const recurrent = recurrentKernels(call);
  return {
    name: 'gpujs',
    info: { mode, modes },
    kernels: {
      MatMul: matMul,
      BiasGrad: biasGrad,
      Conv2D: conv2d,
      Conv2DBackpropInput: conv2dBackpropInput,
      Conv2DBackpropFilter: conv2dBackpropFilter,
      MaxPool2D: maxPool2d,
      MaxPool2DBackward: (dy: Float32Array, argmax: Int32Array, at: Pool2DAttrs) => {
        const count = at.n * at.c * at.outH * at.outW;
        const size = at.n * at.c * at.h * at.w;
        return size === 0 ? new Float32Array(0) : call(MAXPOOL_BACK, size, { ...at }, dy.subarray(0, count), Float32Array.from(argmax.subarray(0, count)));
      },
      ...optimizerKernels(call),
      Relu: (x: Float32Array) => (x.length === 0 ? new Float32Array(0) : call(RELU, x.length, {}, x)),
      ReluGrad: (x: Float32Array, dy: Float32Array) => (x.length === 0 ? new Float32Array(0) : call(RELU_GRAD, x.length, {}, x, dy)),
      Activation: (x: Float32Array, at: ActivationAttrs) =>
        delivered(x.length === 0 ? new Float32Array(0) : call(ACTIVATION, x.length, { want: at.fn === 'tanh' ? 0 : 1 }, x), at.into, 'Activation'),
      ActivationGrad: (y: Float32Array, dy: Float32Array, at: { fn: ActivationFn }) =>
        y.length === 0 || dy.length !== y.length ? cpuActivationGrad(y, dy, at) : call(ACTIVATION_GRAD, y.length, { want: at.fn === 'tanh' ? 0 : 1 }, y, dy),
      ...recurrent,
      // The whole recurrence as gpu.js's own per-step kernels: each step needs the last one's h, so there is nothing
      // to gain from one call here, but the kernel must exist on every backend.
      LstmSequence: lstmSequenceOf({ MatMul: matMul, BiasGrad: biasGrad, ...recurrent }),
      LstmSequenceGrad: lstmSequenceGradOf({ MatMul: matMul, BiasGrad: biasGrad, ...recurrent }),
    },
    dispose: async () => {
      cache.clear();
      gpu.destroy();
    },
  };
}
