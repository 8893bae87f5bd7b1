// Naive float64 reference loops for the kernel tests, written as literally as possible from the definitions
// (torch semantics) so they share no code or loop order with any backend.
import type { ActivationFn, AdamAttrs, BiasGradAttrs, Conv2DAttrs, GruCellGradInputs, LstmCellAttrs, LstmCellGradInputs, MatMulAttrs, Pool2DAttrs, SgdAttrs } from '../../engine/kernels/kernel-map';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function randArray(len: number, seed: number, scale = 2): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) out[i] = r() * scale;
  return out;
}

export function naiveMatMul(a: Float32Array, b: Float32Array, at: MatMulAttrs): Float64Array {
  const { m, k, n, transA, transB } = at;
  const batch = at.batch ?? 1;
  const c = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = t * m * k;
    const bo = at.broadcastB ? 0 : t * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[ao + p * m + i] : a[ao + i * k + p];
          const bv = transB ? b[bo + j * k + p] : b[bo + p * n + j];
          s += av * bv;
        }
        c[t * m * n + i * n + j] = s;
      }
  }
  return c;
}

export function convAttrs(p: Omit<Conv2DAttrs, 'outH' | 'outW'>): Conv2DAttrs {
  const outH = Math.floor((p.h + 2 * p.padH - p.dilationH * (p.kh - 1) - 1) / p.strideH) + 1;
  const outW = Math.floor((p.w + 2 * p.padW - p.dilationW * (p.kw - 1) - 1) / p.strideW) + 1;
  return { ...p, outH, outW };
}

/** Visits every (input index, weight index, output index) triple the convolution multiplies together. */
function eachTap(at: Conv2DAttrs, f: (xi: number, wi: number, yi: number) => void): void {
  const cinG = at.cIn / at.groups;
  const coutG = at.cOut / at.groups;
  for (let b = 0; b < at.n; b++)
    for (let oc = 0; oc < at.cOut; oc++)
      for (let oh = 0; oh < at.outH; oh++)
        for (let ow = 0; ow < at.outW; ow++)
          for (let icg = 0; icg < cinG; icg++)
            for (let ky = 0; ky < at.kh; ky++)
              for (let kx = 0; kx < at.kw; kx++) {
                const ih = oh * at.strideH - at.padH + ky * at.dilationH;
                const iw = ow * at.strideW - at.padW + kx * at.dilationW;
                if (ih < 0 || ih >= at.h || iw < 0 || iw >= at.w) continue;
                const ic = Math.floor(oc / coutG) * cinG + icg;
                f(
                  ((b * at.cIn + ic) * at.h + ih) * at.w + iw,
                  ((oc * cinG + icg) * at.kh + ky) * at.kw + kx,
                  ((b * at.cOut + oc) * at.outH + oh) * at.outW + ow,
                );
              }
}

export function naiveConv(x: Float32Array, w: Float32Array, bias: Float32Array | null, at: Conv2DAttrs): Float64Array {
  const y = new Float64Array(at.n * at.cOut * at.outH * at.outW);
  const plane = at.outH * at.outW;
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / plane) % at.cOut];
  eachTap(at, (xi, wi, yi) => (y[yi] += x[xi] * w[wi]));
  return y;
}

export function naiveConvInput(dy: Float32Array, w: Float32Array, at: Conv2DAttrs): Float64Array {
  const dx = new Float64Array(at.n * at.cIn * at.h * at.w);
  eachTap(at, (xi, wi, yi) => (dx[xi] += dy[yi] * w[wi]));
  return dx;
}

export function naiveConvFilter(x: Float32Array, dy: Float32Array, at: Conv2DAttrs): Float64Array {
  const dw = new Float64Array((at.cOut * at.cIn * at.kh * at.kw) / at.groups);
  eachTap(at, (xi, wi, yi) => (dw[wi] += dy[yi] * x[xi]));
  return dw;
}

export function naiveMaxPool(x: Float32Array, at: Pool2DAttrs): { y: Float64Array; argmax: Int32Array } {
  const y = new Float64Array(at.n * at.c * at.outH * at.outW);
  const argmax = new Int32Array(y.length).fill(-1);
  for (let pl = 0; pl < at.n * at.c; pl++)
    for (let oh = 0; oh < at.outH; oh++)
      for (let ow = 0; ow < at.outW; ow++) {
        const o = (pl * at.outH + oh) * at.outW + ow;
        y[o] = -Infinity;
        for (let ky = 0; ky < at.kh; ky++)
          for (let kx = 0; kx < at.kw; kx++) {
            const ih = oh * at.strideH - at.padH + ky;
            const iw = ow * at.strideW - at.padW + kx;
            if (ih < 0 || ih >= at.h || iw < 0 || iw >= at.w) continue;
            const v = x[(pl * at.h + ih) * at.w + iw];
            if (argmax[o] < 0 || v > y[o]) {
              y[o] = v;
              argmax[o] = ih * at.w + iw;
            }
          }
      }
  return { y, argmax };
}

/** torch.optim.Adam / AdamW in float64, from the algorithm box of the PyTorch docs. */
export function naiveAdam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, vMax: Float64Array | null, at: AdamAttrs): void {
  for (let i = 0; i < p.length; i++) {
    let gi = g[i];
    if (at.decoupled) p[i] = p[i] - at.lr * at.weightDecay * p[i];
    else gi = gi + at.weightDecay * p[i];
    m[i] = at.beta1 * m[i] + (1 - at.beta1) * gi;
    v[i] = at.beta2 * v[i] + (1 - at.beta2) * gi * gi;
    const mHat = m[i] / (1 - at.beta1 ** at.step);
    let vv = v[i];
    if (vMax) {
      vMax[i] = Math.max(vMax[i], v[i]);
      vv = vMax[i];
    }
    const vHat = vv / (1 - at.beta2 ** at.step);
    p[i] = p[i] - (at.lr * mHat) / (Math.sqrt(vHat) + at.eps);
  }
}

/** torch.optim.SGD in float64, from the algorithm box of the PyTorch docs. */
export function naiveSgd(p: Float64Array, g: Float64Array, b: Float64Array, at: SgdAttrs): void {
  for (let i = 0; i < p.length; i++) {
    let gi = g[i] + at.weightDecay * p[i];
    if (at.momentum !== 0) {
      b[i] = at.firstStep ? gi : at.momentum * b[i] + (1 - at.dampening) * gi;
      gi = at.nesterov ? gi + at.momentum * b[i] : b[i];
    }
    p[i] = p[i] - at.lr * gi;
  }
}

/** Largest |got-want| / (atol + rtol*|want|); <= 1 passes. */
export function closeness(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    const e = Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

export function naiveBiasGrad(g: Float32Array, at: BiasGradAttrs): Float64Array {
  const out = new Float64Array(at.channels);
  for (let o = 0; o < at.outer; o++)
    for (let c = 0; c < at.channels; c++)
      for (let i = 0; i < at.inner; i++) out[c] += g[(o * at.channels + c) * at.inner + i];
  return out;
}

/** Every input's gradient: the sum of dy over the windows whose argmax it is (a gather, unlike the backends' scatter). */
export function naiveMaxPoolBackward(dy: Float32Array, argmax: Int32Array, at: Pool2DAttrs): Float64Array {
  const gx = new Float64Array(at.n * at.c * at.h * at.w);
  for (let p = 0; p < at.n * at.c; p++)
    for (let r = 0; r < at.h * at.w; r++)
      for (let o = 0; o < at.outH * at.outW; o++) if (argmax[p * at.outH * at.outW + o] === r) gx[p * at.h * at.w + r] += dy[p * at.outH * at.outW + o];
  return gx;
}

/** tanh or sigmoid in float64. */
export function naiveActivation(x: Float32Array, fn: ActivationFn): Float64Array {
  return Float64Array.from(x, (v) => (fn === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v))));
}

/** Their backward from y, in float64: dy * (1 - y^2) or dy * (1 - y) * y. */
export function naiveActivationGrad(y: Float32Array, dy: Float32Array, fn: ActivationFn): Float64Array {
  return Float64Array.from(y, (v, i) => dy[i] * (fn === 'tanh' ? 1 - v * v : (1 - v) * v));
}

/** One LSTM step from PyTorch's equations (gates i, f, g, o), in float64 throughout. */
export function naiveLstmCell(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, at: LstmCellAttrs): { gates: Float64Array; c: Float64Array; h: Float64Array } {
  const { batch: B, hidden: H } = at;
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const gates = new Float64Array(B * 4 * H), c = new Float64Array(B * H), h = new Float64Array(B * H);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < H; j++) {
      const pre = (gate: number): number => xp[(b * 4 + gate) * H + j] + hp[(b * 4 + gate) * H + j];
      const [i, f, g, o] = [sig(pre(0)), sig(pre(1)), Math.tanh(pre(2)), sig(pre(3))];
      [i, f, g, o].forEach((v, gate) => (gates[(b * 4 + gate) * H + j] = v));
      c[b * H + j] = f * cPrev[b * H + j] + i * g;
      h[b * H + j] = o * Math.tanh(c[b * H + j]);
    }
  return { gates, c, h };
}

/** Its backward, by the chain rule through c = f*cPrev + i*g and h = o*tanh(c), in float64. */
export function naiveLstmCellGrad(inputs: LstmCellGradInputs, at: LstmCellAttrs): { dGates: Float64Array; dcPrev: Float64Array } {
  const { gOut, dhRec, dcIn, gates, cPrev, c } = inputs;
  const { batch: B, hidden: H } = at;
  const dGates = new Float64Array(B * 4 * H), dcPrev = new Float64Array(B * H);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const [i, f, g, o] = [0, 1, 2, 3].map((gate) => gates[(b * 4 + gate) * H + j]);
      const dh = gOut[k] + dhRec[k];
      const tc = Math.tanh(c[k]);
      const dc = dcIn[k] + dh * o * (1 - tc * tc);
      const d = [dc * g * i * (1 - i), dc * cPrev[k] * f * (1 - f), dc * i * (1 - g * g), dh * tc * o * (1 - o)];
      d.forEach((v, gate) => (dGates[(b * 4 + gate) * H + j] = v));
      dcPrev[k] = dc * f;
    }
  return { dGates, dcPrev };
}

/** One GRU step from PyTorch's equations (gates r, z, n; n = tanh(xn + r*hn)), in float64 throughout. */
export function naiveGruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: LstmCellAttrs): { gates: Float64Array; h: Float64Array } {
  const { batch: B, hidden: H } = at;
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const gates = new Float64Array(B * 3 * H), h = new Float64Array(B * H);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < H; j++) {
      const at3 = (gate: number): number => (b * 3 + gate) * H + j;
      const r = sig(xp[at3(0)] + hp[at3(0)]);
      const z = sig(xp[at3(1)] + hp[at3(1)]);
      const n = Math.tanh(xp[at3(2)] + r * hp[at3(2)]);
      [r, z, n].forEach((v, gate) => (gates[at3(gate)] = v));
      h[b * H + j] = (1 - z) * n + z * hPrev[b * H + j];
    }
  return { gates, h };
}

/**
 * Its backward, by the chain rule through h = (1-z)*n + z*hPrev, n = tanh(an), an = xn + r*hn, r = sigmoid(ar),
 * z = sigmoid(az), in float64: the input projection's gradients (dar, daz, dan), the hidden projection's
 * (dar, daz, dan*r), and dh's direct path into hPrev.
 */
export function naiveGruCellGrad(inputs: GruCellGradInputs, at: LstmCellAttrs): { dX: Float64Array; dHp: Float64Array; dhDirect: Float64Array } {
  const { gOut, dhRec, gates, hn, hPrev } = inputs;
  const { batch: B, hidden: H } = at;
  const dX = new Float64Array(B * 3 * H), dHp = new Float64Array(B * 3 * H), dhDirect = new Float64Array(B * H);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const at3 = (gate: number): number => (b * 3 + gate) * H + j;
      const [r, z, n] = [0, 1, 2].map((gate) => gates[at3(gate)]);
      const dh = gOut[k] + dhRec[k];
      const dn = dh * (1 - z);
      const dan = dn * (1 - n * n);
      const dr = dan * hn[k];
      const dz = dh * (hPrev[k] - n);
      [dr * r * (1 - r), dz * z * (1 - z), dan].forEach((v, gate) => (dX[at3(gate)] = v));
      [dr * r * (1 - r), dz * z * (1 - z), dan * r].forEach((v, gate) => (dHp[at3(gate)] = v));
      dhDirect[k] = dh * z;
    }
  return { dX, dHp, dhDirect };
}
