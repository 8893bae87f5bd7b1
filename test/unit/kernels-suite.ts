// The shared kernel test suite: every backend runs the same cases against the float64 reference loops, with a
// tolerance set per backend. Kernels a backend does not have are skipped by name (and listed in the test title).
// Over 350 lines on purpose: one suite that every backend runs, so a kernel's cases cannot drift between backends.
import assert from 'node:assert/strict';
import { test as nodeTest } from 'node:test';
import type { AdamAttrs, BiasGradAttrs, Conv2DAttrs, LstmCellAttrs, MatMulAttrs, Pool2DAttrs, SgdAttrs } from '../../engine/kernels/kernel-map';
import type { Backend } from '../../engine/kernels/registry';
import { ACTIVATION_FNS } from '../../engine/kernels/kernel-map';
import {
  closeness,
  convAttrs,
  naiveActivation,
  naiveActivationGrad,
  naiveAdam,
  naiveBiasGrad,
  naiveConv,
  naiveConvFilter,
  naiveConvInput,
  naiveLstmCell,
  naiveLstmCellGrad,
  naiveGruCell,
  naiveGruCellGrad,
  naiveMatMul,
  naiveMaxPool,
  naiveMaxPoolBackward,
  naiveSgd,
  randArray,
} from './kernels-reference';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const matMulCases: MatMulAttrs[] = [
  { m: 1, k: 1, n: 1, transA: false, transB: false },
  { m: 7, k: 13, n: 5, transA: false, transB: false },
  { m: 7, k: 13, n: 5, transA: true, transB: false },
  { m: 7, k: 13, n: 5, transA: false, transB: true },
  { m: 9, k: 3, n: 17, transA: true, transB: true },
  { m: 64, k: 300, n: 33, transA: false, transB: false },
  { m: 37, k: 520, n: 70, transA: true, transB: true },
  { m: 130, k: 257, n: 9, transA: false, transB: true },
  // n <= 64: the wasm GEMM reads A in place (transposed here) for full row tiles and packs the last partial one;
  // the second is large enough to be split over two threads
  { m: 37, k: 300, n: 40, transA: true, transB: false },
  { m: 1030, k: 70, n: 60, transA: true, transB: false },
  { m: 5, k: 6, n: 7, transA: false, transB: false, batch: 3 },
  { m: 5, k: 6, n: 7, transA: true, transB: true, batch: 3, broadcastB: true },
  { m: 11, k: 19, n: 23, transA: false, transB: true, batch: 4, broadcastB: true },
];

export const convCases: Conv2DAttrs[] = [
  convAttrs({ n: 2, cIn: 1, h: 12, w: 12, cOut: 3, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 }),
  convAttrs({ n: 1, cIn: 3, h: 9, w: 11, cOut: 4, kh: 3, kw: 2, strideH: 2, strideW: 1, padH: 1, padW: 2, dilationH: 1, dilationW: 1, groups: 1 }),
  convAttrs({ n: 2, cIn: 4, h: 10, w: 7, cOut: 6, kh: 3, kw: 3, strideH: 1, strideW: 2, padH: 2, padW: 1, dilationH: 2, dilationW: 3, groups: 2 }),
  convAttrs({ n: 3, cIn: 6, h: 5, w: 6, cOut: 6, kh: 2, kw: 3, strideH: 3, strideW: 2, padH: 0, padW: 1, dilationH: 1, dilationW: 1, groups: 6 }),
  convAttrs({ n: 4, cIn: 10, h: 12, w: 12, cOut: 20, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 }),
  // unit stride with padding: valid spans of 6 and 7 floats (the wasm im2col's overlapping last vector), and
  // rows of 3 (its scalar path)
  convAttrs({ n: 2, cIn: 2, h: 7, w: 7, cOut: 3, kh: 3, kw: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1 }),
  convAttrs({ n: 1, cIn: 2, h: 5, w: 5, cOut: 2, kh: 3, kw: 3, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 }),
  // the wasm direct kernels: dilation, groups with an odd channel count, padding, an overlapping last 8-column
  // panel (width 12); row stride 2 with unit column stride
  convAttrs({ n: 2, cIn: 4, h: 9, w: 12, cOut: 6, kh: 3, kw: 3, strideH: 1, strideW: 1, padH: 2, padW: 1, dilationH: 2, dilationW: 1, groups: 2 }),
  convAttrs({ n: 1, cIn: 3, h: 9, w: 10, cOut: 5, kh: 3, kw: 3, strideH: 2, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 }),
];

export const poolCases: Pool2DAttrs[] = [
  { n: 2, c: 3, h: 8, w: 8, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 4, outW: 4 },
  { n: 1, c: 2, h: 7, w: 5, kh: 3, kw: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, outH: 4, outW: 6 },
  // 2x2 stride 2: an odd input width under whole vectors of outputs (wasm's vector kernel), and rows of 3 outputs
  // (its scalar one)
  { n: 2, c: 2, h: 9, w: 17, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 4, outW: 8 },
  { n: 1, c: 3, h: 6, w: 6, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 3, outW: 3 },
  // Large enough for wasm's backward kernel (not the reference fallback), split over two threads, and overlapping
  // padded windows where gradients add up.
  { n: 4, c: 10, h: 24, w: 24, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 12, outW: 12 },
  // The same windows on planes they do not tile (the last row and column belong to none): wasm's backward then
  // scatters instead of gathering, and those inputs get no gradient.
  { n: 4, c: 8, h: 25, w: 25, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 12, outW: 12 },
  { n: 2, c: 8, h: 20, w: 20, kh: 3, kw: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, outH: 10, outW: 10 },
];

const adamCases: AdamAttrs[] = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 },
  { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, amsgrad: true, step: 3 },
  { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, step: 7 },
];

const sgdCases: SgdAttrs[] = [
  { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
  { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-3, nesterov: false, firstStep: true },
  { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3, nesterov: false, firstStep: false },
  { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, firstStep: false },
];

function check(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what: string): void {
  const worst = closeness(got, want, tol.rtol, tol.atol);
  assert.ok(worst <= 1, `${what}: error ${worst.toExponential(2)} x tolerance`);
}

// An odd hidden size (reference loop on wasm), the smallest vectorised step, and the MNIST LSTM's step, which wasm
// splits over two threads.
const lstmCases: LstmCellAttrs[] = [
  { batch: 3, hidden: 5 },
  { batch: 4, hidden: 64 },
  { batch: 64, hidden: 128 },
];

/**
 * Pre-activations over [-12, 12] (both saturated ends of sigmoid and tanh), with values at tanh's polynomial/exp
 * switch (0.625), tiny ones, and exp's overflow region planted at the front.
 */
function lstmPre(len: number, seed: number): Float32Array {
  const a = randArray(len, seed, 24);
  [0.625, -0.625, 0.6251, 1e-6, -3e-8, 0, 95, -95, 1e30, -1e30, 44.5, -88.9].forEach((v, i) => (a[(i * 7) % len] = v));
  return a;
}

/** The indices holding NaN. */
const nan = (a: Float32Array): number[] => a.reduce<number[]>((out, v, i) => (Number.isNaN(v) ? [...out, i] : out), []);

/** Optimizer state sizes: long enough to cross any vector width and any two-thread split. */
const OPT_LEN = 1037;

/**
 * Registers the suite's tests. `get` is called when the tests run, so a backend created asynchronously in a
 * `before` hook can be tested; a kernel the backend lacks makes its test skip and say so.
 */
export function kernelSuite(name: string, get: () => Backend, tol: Tolerance): void {
  type Body = (k: Backend['kernels']) => void;
  const test = (title: string, kernel: keyof Backend['kernels'], body: Body): void => {
    nodeTest(`${name}: ${title}`, (t) => {
      const k = get().kernels;
      if (!k[kernel]) return t.skip(`no ${kernel} on ${name}`);
      body(k);
    });
  };

  test('MatMul', 'MatMul', (k) => {
    matMulCases.forEach((at, i) => {
      const batch = at.batch ?? 1;
      const a = randArray(batch * at.m * at.k, 10 + i);
      const b = randArray((at.broadcastB ? 1 : batch) * at.k * at.n, 20 + i);
      check(k.MatMul!(a, b, at), naiveMatMul(a, b, at), tol, `MatMul ${JSON.stringify(at)}`);
    });
  });

  test('MatMul with a fused bias (F.linear shapes, and the GEMM path)', 'MatMul', (k) => {
    const cases: MatMulAttrs[] = [
      { m: 3, k: 4, n: 5, transA: false, transB: true },
      { m: 64, k: 300, n: 33, transA: false, transB: true },
      { m: 37, k: 70, n: 48, transA: false, transB: false },
    ];
    cases.forEach((at, i) => {
      const a = randArray(at.m * at.k, 110 + i);
      const b = randArray(at.k * at.n, 120 + i);
      const bias = randArray(at.n, 130 + i);
      const want = naiveMatMul(a, b, at).map((v, j) => v + bias[j % at.n]);
      check(k.MatMul!(a, b, { ...at, bias }), want, tol, `MatMul+bias ${JSON.stringify(at)}`);
    });
  });

  test('BiasGrad: Linear rows, conv planes, odd channel counts and tails', 'BiasGrad', (k) => {
    const cases: BiasGradAttrs[] = [
      { outer: 3, channels: 2, inner: 1 },
      { outer: 64, channels: 256, inner: 1 },
      { outer: 700, channels: 37, inner: 1 },
      { outer: 4, channels: 10, inner: 576 },
      { outer: 5, channels: 3, inner: 49 },
      { outer: 2, channels: 6, inner: 2 },
    ];
    cases.forEach((at, i) => {
      const g = randArray(at.outer * at.channels * at.inner, 140 + i);
      check(k.BiasGrad!(g, at), naiveBiasGrad(g, at), tol, `BiasGrad ${JSON.stringify(at)}`);
    });
  });

  test('Conv2D and its two gradients', 'Conv2D', (k) => {
    convCases.forEach((at, i) => {
      const x = randArray(at.n * at.cIn * at.h * at.w, 30 + i);
      const w = randArray((at.cOut * at.cIn * at.kh * at.kw) / at.groups, 40 + i);
      const bias = i % 2 === 0 ? randArray(at.cOut, 50 + i) : null;
      const dy = randArray(at.n * at.cOut * at.outH * at.outW, 60 + i);
      const what = JSON.stringify(at);
      check(k.Conv2D!(x, w, bias, at), naiveConv(x, w, bias, at), tol, `Conv2D ${what}`);
      if (k.Conv2DBackpropInput) check(k.Conv2DBackpropInput(dy, w, at), naiveConvInput(dy, w, at), tol, `Conv2DBackpropInput ${what}`);
      if (k.Conv2DBackpropFilter) check(k.Conv2DBackpropFilter(x, dy, at), naiveConvFilter(x, dy, at), tol, `Conv2DBackpropFilter ${what}`);
    });
  });

  test('MaxPool2D with ties, padding and NaN', 'MaxPool2D', (k) => {
    poolCases.forEach((at, i) => {
      const x = randArray(at.n * at.c * at.h * at.w, 70 + i);
      // Quantise so windows contain ties: the first maximum in row-major order must win.
      for (let j = 0; j < x.length; j++) x[j] = Math.round(x[j] * 3);
      const got = k.MaxPool2D!(x, at);
      const want = naiveMaxPool(x, at);
      assert.deepEqual(Array.from(got.argmax), Array.from(want.argmax), 'argmax');
      check(got.y, want.y, { rtol: 0, atol: 0 }, 'MaxPool2D');
      if (k.MaxPool2DBackward) {
        const dy = randArray(got.y.length, 150 + i);
        check(k.MaxPool2DBackward(dy, want.argmax, at), naiveMaxPoolBackward(dy, want.argmax, at), tol, `MaxPool2DBackward ${JSON.stringify(at)}`);
      }
    });
    // NaN in each position of window (0,0) (plane 0, rows 0-1, cols 0-1), and two NaNs: the first one wins.
    for (const at of [poolCases[0], poolCases[3]]) {
      for (const nans of [[9], [0], [1], [8], [1, 8]]) {
        const x = randArray(at.n * at.c * at.h * at.w, 99);
        const pos = nans.map((p) => Math.floor(p / 8) * at.w + (p % 8));
        for (const p of pos) x[p] = NaN;
        x[0] = nans.includes(0) ? NaN : -5; // a number first, unless the NaN is there
        const got = k.MaxPool2D!(x, at);
        assert.ok(Number.isNaN(got.y[0]), `NaN at ${nans} propagates`);
        assert.equal(got.argmax[0], pos[0]);
        assert.ok(!Number.isNaN(got.y[1]), 'the next window is untouched');
      }
    }
  });

  test('AdamUpdate (Adam, amsgrad with L2, AdamW)', 'AdamUpdate', (k) => {
    adamCases.forEach((at, i) => {
      const p = randArray(OPT_LEN, 80 + i);
      const g = randArray(OPT_LEN, 90 + i);
      const m = at.step > 1 ? randArray(OPT_LEN, 100 + i, 0.2) : new Float32Array(OPT_LEN);
      const v = at.step > 1 ? randArray(OPT_LEN, 110 + i, 0.2).map(Math.abs) : new Float32Array(OPT_LEN);
      const vMax = at.amsgrad ? v.map((e, j) => (j % 2 ? e * 2 : e / 2)) : null;
      const [p64, m64, v64] = [p, m, v].map((t) => Float64Array.from(t));
      const vMax64 = vMax ? Float64Array.from(vMax) : null;
      naiveAdam(p64, Float64Array.from(g), m64, v64, vMax64, at);
      k.AdamUpdate!(p, g, m, v, vMax, at);
      check(p, p64, tol, `Adam param ${JSON.stringify(at)}`);
      check(m, m64, tol, 'Adam m');
      check(v, v64, tol, 'Adam v');
      if (vMax && vMax64) check(vMax, vMax64, tol, 'Adam vMax');
    });
  });

  test('AdamUpdate on resident buffers updates them in place, as on ordinary arrays', 'AdamUpdate', (k) => {
    const resident = get().resident ?? ((n: number) => new Float32Array(n));
    const at = adamCases[1];
    const fresh = (): Float32Array[] => [randArray(OPT_LEN, 81), randArray(OPT_LEN, 82, 0.2), randArray(OPT_LEN, 83, 0.2).map(Math.abs), randArray(OPT_LEN, 84)];
    const [p, m, v, vMax] = fresh();
    const [rp, rm, rv, rvMax] = fresh().map((a) => {
      const r = resident(a.length);
      r.set(a);
      return r;
    });
    const g = randArray(OPT_LEN, 85);
    k.AdamUpdate!(p, g, m, v, vMax, at);
    k.AdamUpdate!(rp, g, rm, rv, rvMax, at);
    assert.deepEqual([rp, rm, rv, rvMax].map((a) => Array.from(a)), [p, m, v, vMax].map((a) => Array.from(a)));
  });

  test('Relu and ReluGrad: exact, NaN kept, -0 to +0, any length', 'Relu', (k) => {
    // 70001 elements: many four-vector steps and a tail; special values in the middle too.
    for (const n of [7, 1037, 4099, 70001]) {
      const x = randArray(n, 150 + n);
      const dy = randArray(n, 160 + n);
      if (n > 35010) [x[35006], x[35007], x[35008], x[35009]] = [NaN, 3, -0, Infinity];
      x[0] = NaN;
      x[1] = -0;
      x[2] = 0;
      x[3] = -Infinity;
      x[n - 1] = 2.5;
      dy[n - 1] = NaN;
      const y = k.Relu!(x);
      assert.equal(y.length, n);
      for (let i = 0; i < n; i++) {
        const want = Number.isNaN(x[i]) ? NaN : x[i] > 0 ? x[i] : 0;
        assert.ok(Object.is(y[i], want), `relu(${x[i]}) = ${y[i]} at ${i} of ${n}`);
      }
      if (!k.ReluGrad) continue;
      const dx = k.ReluGrad(x, dy);
      for (let i = 0; i < n; i++) {
        const want = x[i] > 0 ? dy[i] : 0;
        assert.ok(Object.is(dx[i], want), `relu'(${x[i]}) * ${dy[i]} = ${dx[i]} at ${i} of ${n}`);
      }
    }
  });

  test('Activation and ActivationGrad: tanh and sigmoid against float64, saturated, tiny, NaN and infinite inputs, any length', 'Activation', (k) => {
    // 40000 elements: wasm splits the forward over its two threads.
    for (const n of [7, 1037, 40000]) {
      for (const fn of ACTIVATION_FNS) {
        const x = lstmPre(n, 400 + n);
        const special = [NaN, Infinity, -Infinity, -0];
        special.forEach((v, i) => (x[n - 1 - i] = v));
        const y = k.Activation!(x, { fn });
        const want = naiveActivation(x, fn);
        assert.deepEqual(nan(y), [n - 1], `${fn}: NaN stays NaN and nothing else is`);
        check(y.subarray(0, n - 1), want.subarray(0, n - 1), tol, `${fn} (${n})`);
        if (!k.ActivationGrad) continue;
        const yRef = Float32Array.from(want);
        const dy = randArray(n, 410 + n, 8);
        check(k.ActivationGrad(yRef.subarray(0, n - 1), dy.subarray(0, n - 1), { fn }), naiveActivationGrad(yRef, dy, fn).subarray(0, n - 1), tol, `${fn}' (${n})`);
        assert.deepEqual(nan(k.ActivationGrad(yRef, dy, { fn })), [n - 1]);
      }
    }
  });

  test('Activation writes into the view the caller names and returns it; wrong lengths get errors', 'Activation', (k) => {
    for (const n of [7, 4099]) {
      const x = randArray(n, 420 + n, 6);
      const fresh = k.Activation!(x, { fn: 'tanh' });
      const saved = new Float32Array(3 * n).fill(-7);
      const into = k.Activation!(x, { fn: 'tanh', into: saved.subarray(n, 2 * n) });
      assert.equal(into.buffer, saved.buffer);
      assert.deepEqual(into, fresh);
      assert.ok([...saved.subarray(0, n), ...saved.subarray(2 * n)].every((v) => v === -7));
      assert.throws(() => k.Activation!(x, { fn: 'sigmoid', into: new Float32Array(n + 1) }), /expected/);
      if (k.ActivationGrad) assert.throws(() => k.ActivationGrad!(x, x.subarray(1), { fn: 'tanh' }), /ActivationGrad: dy has/);
    }
  });

  test('LstmCell: gates, c and h against float64 over saturated and tiny pre-activations', 'LstmCell', (k) => {
    lstmCases.forEach((at, n) => {
      const G = at.batch * 4 * at.hidden, C = at.batch * at.hidden;
      const xp = lstmPre(G, 200 + n), hp = randArray(G, 210 + n, 0.5), cPrev = randArray(C, 220 + n, 6);
      const got = k.LstmCell!(xp, hp, cPrev, at);
      const want = naiveLstmCell(xp, hp, cPrev, at);
      check(got.gates, want.gates, tol, `LstmCell gates ${JSON.stringify(at)}`);
      check(got.c, want.c, tol, `LstmCell c ${JSON.stringify(at)}`);
      check(got.h, want.h, tol, `LstmCell h ${JSON.stringify(at)}`);
    });
  });

  test('LstmCell: a NaN pre-activation makes its gate, c and h NaN and nothing else', 'LstmCell', (k) => {
    const at = lstmCases[2];
    const H = at.hidden;
    const xp = lstmPre(at.batch * 4 * H, 230), hp = randArray(at.batch * 4 * H, 231), cPrev = randArray(at.batch * H, 232);
    // Row 5, unit 9: its forget gate's pre-activation.
    xp[(5 * 4 + 1) * H + 9] = NaN;
    const got = k.LstmCell!(xp, hp, cPrev, at);
    assert.deepEqual(nan(got.gates), [(5 * 4 + 1) * H + 9]);
    assert.deepEqual(nan(got.c), [5 * H + 9]);
    assert.deepEqual(nan(got.h), [5 * H + 9]);
  });

  test('LstmCellGrad: gate and cell gradients against float64', 'LstmCellGrad', (k) => {
    lstmCases.forEach((at, n) => {
      const G = at.batch * 4 * at.hidden, C = at.batch * at.hidden;
      const cells = [0, 1, 2, 3].map((s) => randArray(C, 240 + 10 * n + s, 4));
      const [gOut, dhRec, dcIn, cPrev] = cells;
      const fwd = naiveLstmCell(lstmPre(G, 250 + n), randArray(G, 260 + n), cPrev, at);
      const gates = Float32Array.from(fwd.gates), c = Float32Array.from(fwd.c);
      const inputs = { gOut, dhRec, dcIn, gates, cPrev, c };
      const got = k.LstmCellGrad!(inputs, at);
      const want = naiveLstmCellGrad(inputs, at);
      check(got.dGates, want.dGates, tol, `LstmCellGrad dGates ${JSON.stringify(at)}`);
      check(got.dcPrev, want.dcPrev, tol, `LstmCellGrad dcPrev ${JSON.stringify(at)}`);
    });
  });

  test('LstmCell and LstmCellGrad write into views the caller names, return those views, and leave the rest of its arrays alone', 'LstmCell', (k) => {
    for (const at of [lstmCases[0], lstmCases[2]]) {
      const G = at.batch * 4 * at.hidden, C = at.batch * at.hidden;
      const xp = lstmPre(G, 270), hp = randArray(G, 271), cPrev = randArray(C, 272, 4);
      const fresh = k.LstmCell!(xp, hp, cPrev, at);
      // Targets in the middle of larger arrays (as an LSTM layer's saved gates and states are), whose other
      // elements hold a sentinel. h gets no target: it comes back fresh.
      const saved = new Float32Array(3 * G).fill(-7), states = new Float32Array(3 * C).fill(-7);
      const into = { gates: saved.subarray(G, 2 * G), c: states.subarray(C, 2 * C) };
      const got = k.LstmCell!(xp, hp, cPrev, { ...at, into });
      assert.equal(got.gates, into.gates);
      assert.equal(got.c, into.c);
      assert.deepEqual([got.gates, got.c, got.h], [fresh.gates, fresh.c, fresh.h]);
      assert.ok([...saved.subarray(0, G), ...saved.subarray(2 * G), ...states.subarray(0, C), ...states.subarray(2 * C)].every((v) => v === -7));
      const inputs = { gOut: randArray(C, 273), dhRec: randArray(C, 274), dcIn: randArray(C, 275), gates: fresh.gates, cPrev, c: fresh.c };
      const grad = k.LstmCellGrad!(inputs, at);
      const dX = new Float32Array(2 * G).fill(-7);
      const gotGrad = k.LstmCellGrad!(inputs, { ...at, into: { dGates: dX.subarray(G) } });
      assert.equal(gotGrad.dGates.buffer, dX.buffer);
      assert.deepEqual([gotGrad.dGates, gotGrad.dcPrev], [grad.dGates, grad.dcPrev]);
      assert.ok(dX.subarray(0, G).every((v) => v === -7));
      assert.throws(() => k.LstmCell!(xp, hp, cPrev, { ...at, into: { h: new Float32Array(C + 1) } }), /expected/);
    }
  });

  test('the recurrent cell kernels refuse a short array with the reference\'s error instead of reading past it', 'LstmCell', (k) => {
    const at = lstmCases[2];
    const gateRows = (gates: number) => randArray(at.batch * gates * at.hidden, 500);
    const cell = randArray(at.batch * at.hidden, 501), short = cell.subarray(1);
    assert.throws(() => k.LstmCell!(gateRows(4), gateRows(4), short, at), /^Error: LstmCell: a cell array has 8191 elements, expected 8192\.$/);
    assert.throws(() => k.LstmCell!(gateRows(4).subarray(4), gateRows(4), cell, at), /LstmCell: a gate array has 32764 elements/);
    const lstmGrad = { gOut: cell, dhRec: cell, dcIn: short, gates: gateRows(4), cPrev: cell, c: cell };
    if (k.LstmCellGrad) assert.throws(() => k.LstmCellGrad!(lstmGrad, at), /LstmCellGrad: a cell array has 8191 elements/);
    if (k.GruCell) assert.throws(() => k.GruCell!(gateRows(3), gateRows(3).subarray(4), cell, at), /GruCell: a gate array has 24572 elements/);
    if (k.GruCellGrad) assert.throws(() => k.GruCellGrad!({ gOut: cell, dhRec: cell, gates: gateRows(3), hn: short, hPrev: cell }, at), /GruCellGrad: a cell array has 8191 elements/);
  });

  test('GruCell: gates and h against float64 over saturated and tiny pre-activations', 'GruCell', (k) => {
    lstmCases.forEach((at, n) => {
      const G = at.batch * 3 * at.hidden, C = at.batch * at.hidden;
      // hp's n block is multiplied by r inside the tanh: keep it moderate, as W_hn h + b_hn is.
      const xp = lstmPre(G, 280 + n), hp = randArray(G, 290 + n, 3), hPrev = randArray(C, 300 + n, 2);
      const got = k.GruCell!(xp, hp, hPrev, at);
      const want = naiveGruCell(xp, hp, hPrev, at);
      check(got.gates, want.gates, tol, `GruCell gates ${JSON.stringify(at)}`);
      check(got.h, want.h, tol, `GruCell h ${JSON.stringify(at)}`);
      // Into: the gates land in the middle of a larger array, h comes back fresh.
      const saved = new Float32Array(3 * G).fill(-7);
      const into = k.GruCell!(xp, hp, hPrev, { ...at, into: { gates: saved.subarray(G, 2 * G) } });
      assert.equal(into.gates.buffer, saved.buffer);
      assert.deepEqual([into.gates, into.h], [got.gates, got.h]);
      assert.ok([...saved.subarray(0, G), ...saved.subarray(2 * G)].every((v) => v === -7));
    });
  });

  test('GruCell: a NaN in hp\'s n block makes that n and h NaN and nothing else; one in r\'s makes r, n and h NaN', 'GruCell', (k) => {
    const at = lstmCases[2];
    const H = at.hidden;
    const xp = lstmPre(at.batch * 3 * H, 310), hp = randArray(at.batch * 3 * H, 311), hPrev = randArray(at.batch * H, 312);
    const hp1 = hp.slice();
    hp1[(5 * 3 + 2) * H + 9] = NaN; // row 5, unit 9: n's hidden part
    const got = k.GruCell!(xp, hp1, hPrev, at);
    assert.deepEqual(nan(got.gates), [(5 * 3 + 2) * H + 9]);
    assert.deepEqual(nan(got.h), [5 * H + 9]);
    const xp2 = xp.slice();
    xp2[(7 * 3 + 0) * H + 4] = NaN; // row 7, unit 4: r's input part
    const got2 = k.GruCell!(xp2, hp, hPrev, at);
    assert.deepEqual(nan(got2.gates), [(7 * 3 + 0) * H + 4, (7 * 3 + 2) * H + 4]);
    assert.deepEqual(nan(got2.h), [7 * H + 4]);
  });

  test('GruCellGrad: both projections\' gate gradients and the direct path against float64', 'GruCellGrad', (k) => {
    lstmCases.forEach((at, n) => {
      const G = at.batch * 3 * at.hidden, C = at.batch * at.hidden;
      const [gOut, dhRec, hn, hPrev] = [0, 1, 2, 3].map((s) => randArray(C, 320 + 10 * n + s, 4));
      const gates = Float32Array.from(naiveGruCell(lstmPre(G, 330 + n), randArray(G, 340 + n, 3), hPrev, at).gates);
      const inputs = { gOut, dhRec, gates, hn, hPrev };
      const got = k.GruCellGrad!(inputs, at);
      const want = naiveGruCellGrad(inputs, at);
      check(got.dX, want.dX, tol, `GruCellGrad dX ${JSON.stringify(at)}`);
      check(got.dHp, want.dHp, tol, `GruCellGrad dHp ${JSON.stringify(at)}`);
      check(got.dhDirect, want.dhDirect, tol, `GruCellGrad dhDirect ${JSON.stringify(at)}`);
      // Into: dX and dHp land in the middle of larger arrays (a GRU layer's per-sequence gradients); dhDirect comes back fresh.
      const dX = new Float32Array(3 * G).fill(-7), dHp = new Float32Array(3 * G).fill(-7);
      const into = k.GruCellGrad!(inputs, { ...at, into: { dX: dX.subarray(G, 2 * G), dHp: dHp.subarray(2 * G) } });
      assert.equal(into.dX.buffer, dX.buffer);
      assert.equal(into.dHp.buffer, dHp.buffer);
      assert.deepEqual([into.dX, into.dHp, into.dhDirect], [got.dX, got.dHp, got.dhDirect]);
      assert.ok([...dX.subarray(0, G), ...dX.subarray(2 * G), ...dHp.subarray(0, 2 * G)].every((v) => v === -7));
    });
  });

  test('SgdUpdate (plain, momentum, dampening, nesterov)', 'SgdUpdate', (k) => {
    sgdCases.forEach((at, i) => {
      const p = randArray(OPT_LEN, 120 + i);
      const g = randArray(OPT_LEN, 130 + i);
      const buf = at.momentum !== 0 ? randArray(OPT_LEN, 140 + i) : null;
      const p64 = Float64Array.from(p);
      const b64 = buf ? Float64Array.from(buf) : new Float64Array(OPT_LEN);
      naiveSgd(p64, Float64Array.from(g), b64, at);
      k.SgdUpdate!(p, g, buf, at);
      check(p, p64, tol, `SGD param ${JSON.stringify(at)}`);
      if (buf) check(buf, b64, tol, 'SGD buf');
    });
  });
}
