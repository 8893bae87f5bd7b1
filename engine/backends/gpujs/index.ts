// The gpu.js backend: every kernel as gpu.js kernels (one output value per thread, gather form, so the conv
// gradients and pooling need no atomics), compiled per shape and cached. It runs in the best synchronous gpu.js
// mode found here ('headlessgl' when a GL driver and the `gl` package are present, else 'webasm'); the modes
// detected are reported in `info`.
import { intoTarget, type ActivationAttrs, type ActivationFn, type AdamAttrs, type BiasGradAttrs, type Conv2DAttrs, type GruCellAttrs, type GruCellGradInputs, type GruCellGradOut, type GruCellOut, type Into, type LstmCellAttrs, type LstmCellGradInputs, type LstmCellGradOut, type LstmCellOut, type MatMulAttrs, type Pool2DAttrs, type SgdAttrs } from '../../kernels/kernel-map';
import type { Backend } from '../../kernels/registry';
import { activationGrad as cpuActivationGrad } from '../cpu/activation';
import { checkLengths } from '../cpu/lstm-cell';
import {
  ADAM_M, ADAM_P, ADAM_V, BIAS_GRAD, CONV2D, CONV2D_DW, CONV2D_DX, GRU_DGATES, GRU_DH_DIRECT, GRU_GATES, GRU_STATE, LSTM_CELL, LSTM_DC, LSTM_DC_PREV, LSTM_DGATES, LSTM_GATES, MATMUL, MAXIMUM,
  ACTIVATION, ACTIVATION_GRAD, MAXPOOL, MAXPOOL_BACK, RELU, RELU_GRAD, SGD_BUF, SGD_D, SGD_P,
} from './kernels';
import { detectModes, loadGpujs, syncMode, type GpujsMode, type GpujsModes } from './modes';

export interface GpujsBackend extends Backend {
  info: { mode: GpujsMode; modes: GpujsModes };
  dispose(): Promise<void>;
}

type Run = (...args: Float32Array[]) => Float32Array;

export async function createGpujsBackend(opts: { mode?: Exclude<GpujsMode, 'webgpu'> } = {}): Promise<GpujsBackend> {
  const mod = await loadGpujs();
  const modes = await detectModes(mod);
  const mode = opts.mode ?? syncMode(modes);
  if (!modes.available.includes(mode)) throw new Error(`gpu.js mode '${mode}' is not available here: ${modes.unavailable[mode] ?? ''}`);
  const gpu = new mod.GPU({ mode });
  const cache = new Map<string, Run>();

  /** The compiled kernel for this source, output size, constants and argument sizes. */
  const kernel = (src: string, size: number, constants: Record<string, number>, args: Float32Array[]): Run => {
    const key = `${src.length}:${src.slice(13, 60)}|${size}|${JSON.stringify(constants)}|${args.map((a) => a.length).join(',')}`;
    let run = cache.get(key);
    if (!run) {
      const k = gpu.createKernel(src, { output: [size], constants, precision: 'single', tactic: 'precision' });
      run = (...a: Float32Array[]) => {
        const out = k(...a) as unknown;
        if (!(out instanceof Float32Array)) throw new Error(`gpu.js (${mode}) returned ${Object.prototype.toString.call(out)}, expected a Float32Array`);
        return out;
      };
      cache.set(key, run);
    }
    return run;
  };
  const call = (src: string, size: number, constants: Record<string, number>, ...args: Float32Array[]): Float32Array =>
    kernel(src, size, constants, args)(...args);
  /** A result copied into the caller's target when it named one (see Into in kernel-map.ts). */
  const delivered = (result: Float32Array, given: Float32Array | undefined, what: string): Float32Array => {
    const target = intoTarget(given, result.length, what);
    if (!target) return result;
    target.set(result);
    return target;
  };

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

  const adamUpdate = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, at: AdamAttrs): void => {
    if (at.amsgrad && !vMax) throw new Error('AdamUpdate: amsgrad needs the vMax buffer.');
    const len = p.length;
    const l2 = at.decoupled ? 0 : at.weightDecay;
    const m2 = call(ADAM_M, len, { l2, c1: 1 - at.beta1 }, m, g, p);
    const v2 = call(ADAM_V, len, { l2, b2: at.beta2, c2: 1 - at.beta2 }, v, g, p);
    let second = v2;
    if (at.amsgrad && vMax) {
      second = call(MAXIMUM, len, {}, v2, vMax);
      vMax.set(second);
    }
    const step = {
      shrink: at.decoupled ? 1 - at.lr * at.weightDecay : 1,
      stepSize: at.lr / (1 - at.beta1 ** at.step),
      bc2Sqrt: Math.sqrt(1 - at.beta2 ** at.step),
      eps: at.eps,
    };
    p.set(call(ADAM_P, len, step, p, m2, second));
    m.set(m2);
    v.set(v2);
  };

  const sgdUpdate = (p: Float32Array, g: Float32Array, buf: Float32Array | null, at: SgdAttrs): void => {
    const len = p.length;
    const d = at.weightDecay !== 0 ? call(SGD_D, len, { wd: at.weightDecay }, g, p) : g;
    if (at.momentum === 0) {
      p.set(call(SGD_P, len, { lr: at.lr, nest: 0, momentum: 0 }, p, d, d));
      return;
    }
    if (!buf) throw new Error('SgdUpdate: momentum needs the buffer.');
    const b2 = at.firstStep ? d.slice() : call(SGD_BUF, len, { momentum: at.momentum, damp: 1 - at.dampening }, buf, d);
    const dir = at.nesterov ? d : b2;
    p.set(call(SGD_P, len, { lr: at.lr, nest: at.nesterov ? 1 : 0, momentum: at.momentum }, p, dir, b2));
    buf.set(b2);
  };

  return {
    name: 'gpujs',
    info: { mode, modes },
    kernels: {
      MatMul: matMul,
      BiasGrad: (g: Float32Array, at: BiasGradAttrs) =>
        at.channels === 0 ? new Float32Array(0) : call(BIAS_GRAD, at.channels, { ...at }, g.subarray(0, at.outer * at.channels * at.inner)),
      Conv2D: conv2d,
      Conv2DBackpropInput: conv2dBackpropInput,
      Conv2DBackpropFilter: conv2dBackpropFilter,
      MaxPool2D: maxPool2d,
      MaxPool2DBackward: (dy: Float32Array, argmax: Int32Array, at: Pool2DAttrs) => {
        const count = at.n * at.c * at.outH * at.outW;
        const size = at.n * at.c * at.h * at.w;
        return size === 0 ? new Float32Array(0) : call(MAXPOOL_BACK, size, { ...at }, dy.subarray(0, count), Float32Array.from(argmax.subarray(0, count)));
      },
      AdamUpdate: adamUpdate,
      SgdUpdate: sgdUpdate,
      Relu: (x: Float32Array) => (x.length === 0 ? new Float32Array(0) : call(RELU, x.length, {}, x)),
      ReluGrad: (x: Float32Array, dy: Float32Array) => (x.length === 0 ? new Float32Array(0) : call(RELU_GRAD, x.length, {}, x, dy)),
      Activation: (x: Float32Array, at: ActivationAttrs) =>
        delivered(x.length === 0 ? new Float32Array(0) : call(ACTIVATION, x.length, { want: at.fn === 'tanh' ? 0 : 1 }, x), at.into, 'Activation'),
      ActivationGrad: (y: Float32Array, dy: Float32Array, at: { fn: ActivationFn }) =>
        y.length === 0 || dy.length !== y.length ? cpuActivationGrad(y, dy, at) : call(ACTIVATION_GRAD, y.length, { want: at.fn === 'tanh' ? 0 : 1 }, y, dy),
      LstmCell: (xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs & Into<LstmCellOut>): LstmCellOut => {
        checkLengths('LstmCell', at, 4, [xp, hp], [cPrev]);
        const gn = at.batch * 4 * at.hidden, cn = at.batch * at.hidden;
        if (cn === 0) return { gates: new Float32Array(0), c: new Float32Array(0), h: new Float32Array(0) };
        const into = at.into ?? {};
        const gates = call(LSTM_GATES, gn, { hidden: at.hidden }, xp.subarray(0, gn), hp.subarray(0, gn));
        const c = call(LSTM_CELL, cn, { hidden: at.hidden, want: 0 }, gates, cPrev.subarray(0, cn));
        const h = call(LSTM_CELL, cn, { hidden: at.hidden, want: 1 }, gates, c);
        return { gates: delivered(gates, into.gates, 'LstmCell gates'), c: delivered(c, into.c, 'LstmCell c'), h: delivered(h, into.h, 'LstmCell h') };
      },
      LstmCellGrad: (inputs: LstmCellGradInputs, at: LstmCellAttrs & Into<LstmCellGradOut>): LstmCellGradOut => {
        checkLengths('LstmCellGrad', at, 4, [inputs.gates], [inputs.gOut, inputs.dhRec, inputs.dcIn, inputs.cPrev, inputs.c]);
        const gn = at.batch * 4 * at.hidden, cn = at.batch * at.hidden;
        if (cn === 0) return { dGates: new Float32Array(0), dcPrev: new Float32Array(0) };
        const [gOut, dhRec, dcIn, cPrev, c] = [inputs.gOut, inputs.dhRec, inputs.dcIn, inputs.cPrev, inputs.c].map((a) => a.subarray(0, cn));
        const g = inputs.gates.subarray(0, gn);
        const dc = call(LSTM_DC, cn, { hidden: at.hidden }, gOut, dhRec, dcIn, g, c);
        const dGates = call(LSTM_DGATES, gn, { hidden: at.hidden }, gOut, dhRec, g, cPrev, c, dc);
        const dcPrev = call(LSTM_DC_PREV, cn, { hidden: at.hidden }, dc, g);
        return { dGates: delivered(dGates, at.into?.dGates, 'LstmCellGrad dGates'), dcPrev: delivered(dcPrev, at.into?.dcPrev, 'LstmCellGrad dcPrev') };
      },
      GruCell: (xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: GruCellAttrs & Into<GruCellOut>): GruCellOut => {
        checkLengths('GruCell', at, 3, [xp, hp], [hPrev]);
        const gn = at.batch * 3 * at.hidden, cn = at.batch * at.hidden;
        if (cn === 0) return { gates: new Float32Array(0), h: new Float32Array(0) };
        const gates = call(GRU_GATES, gn, { hidden: at.hidden }, xp.subarray(0, gn), hp.subarray(0, gn));
        const h = call(GRU_STATE, cn, { hidden: at.hidden }, gates, hPrev.subarray(0, cn));
        return { gates: delivered(gates, at.into?.gates, 'GruCell gates'), h: delivered(h, at.into?.h, 'GruCell h') };
      },
      GruCellGrad: (inputs: GruCellGradInputs, at: GruCellAttrs & Into<GruCellGradOut>): GruCellGradOut => {
        checkLengths('GruCellGrad', at, 3, [inputs.gates], [inputs.gOut, inputs.dhRec, inputs.hn, inputs.hPrev]);
        const gn = at.batch * 3 * at.hidden, cn = at.batch * at.hidden;
        if (cn === 0) return { dX: new Float32Array(0), dHp: new Float32Array(0), dhDirect: new Float32Array(0) };
        const [gOut, dhRec, hn, hPrev] = [inputs.gOut, inputs.dhRec, inputs.hn, inputs.hPrev].map((a) => a.subarray(0, cn));
        const g = inputs.gates.subarray(0, gn);
        const side = (hiddenSide: number) => call(GRU_DGATES, gn, { hidden: at.hidden, hiddenSide }, gOut, dhRec, g, hn, hPrev);
        const into = at.into ?? {};
        return {
          dX: delivered(side(0), into.dX, 'GruCellGrad dX'),
          dHp: delivered(side(1), into.dHp, 'GruCellGrad dHp'),
          dhDirect: delivered(call(GRU_DH_DIRECT, cn, { hidden: at.hidden }, gOut, dhRec, g), into.dhDirect, 'GruCellGrad dhDirect'),
        };
      },
    },
    dispose: async () => {
      cache.clear();
      gpu.destroy();
    },
  };
}
