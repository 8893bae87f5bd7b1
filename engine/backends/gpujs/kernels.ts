// gpu.js kernel sources. They are strings, not functions, so that transpilers and bundlers cannot rewrite the
// code gpu.js parses. One output value per thread over a flat 1-D output, so results come back as one
// Float32Array (no row arrays to flatten). Layouts and sizes are constants, so each shape compiles its own kernel.

/** C[t,i,j] = sum_p A(t,i,p) * B(t,p,j); strides select transposes and a broadcast B. */
export const MATMUL = `function (a, b) {
  const n = this.constants.n;
  const mn = this.constants.mn;
  const t = Math.floor(this.thread.x / mn);
  const r = this.thread.x - t * mn;
  const i = Math.floor(r / n);
  const j = r - i * n;
  let ai = t * this.constants.aBatch + i * this.constants.aRow;
  let bi = t * this.constants.bBatch + j * this.constants.bCol;
  let s = 0;
  for (let p = 0; p < this.constants.k; p++) {
    s += a[ai] * b[bi];
    ai += this.constants.aCol;
    bi += this.constants.bRow;
  }
  return s;
}`;

/** y[b,oc,oh,ow] of a grouped, strided, dilated, padded cross-correlation. */
export const CONV2D = `function (x, w, bias) {
  const plane = this.constants.outH * this.constants.outW;
  const b = Math.floor(this.thread.x / (this.constants.cOut * plane));
  let r = this.thread.x - b * this.constants.cOut * plane;
  const oc = Math.floor(r / plane);
  r = r - oc * plane;
  const oh = Math.floor(r / this.constants.outW);
  const ow = r - oh * this.constants.outW;
  const g = Math.floor(oc / this.constants.coutG);
  let s = bias[oc];
  for (let icg = 0; icg < this.constants.cinG; icg++) {
    for (let ky = 0; ky < this.constants.kh; ky++) {
      const ih = oh * this.constants.strideH - this.constants.padH + ky * this.constants.dilationH;
      if (ih >= 0 && ih < this.constants.h) {
        for (let kx = 0; kx < this.constants.kw; kx++) {
          const iw = ow * this.constants.strideW - this.constants.padW + kx * this.constants.dilationW;
          if (iw >= 0 && iw < this.constants.w) {
            const xi = ((b * this.constants.cIn + g * this.constants.cinG + icg) * this.constants.h + ih) * this.constants.w + iw;
            const wi = ((oc * this.constants.cinG + icg) * this.constants.kh + ky) * this.constants.kw + kx;
            s += x[xi] * w[wi];
          }
        }
      }
    }
  }
  return s;
}`;

/** Adam first moment: torch's lerp m + (1-b1)(g' - m), g' = g + l2*p. */
export const ADAM_M = `function (m, g, p) {
  const gi = g[this.thread.x] + this.constants.l2 * p[this.thread.x];
  return m[this.thread.x] + this.constants.c1 * (gi - m[this.thread.x]);
}`;

/** Adam second moment: b2 v + (1-b2) g'^2. */
export const ADAM_V = `function (v, g, p) {
  const gi = g[this.thread.x] + this.constants.l2 * p[this.thread.x];
  return this.constants.b2 * v[this.thread.x] + this.constants.c2 * gi * gi;
}`;

/** amsgrad: running maximum of the second moment (NaN propagates as in torch.maximum). */
export const MAXIMUM = `function (a, b) {
  const x = a[this.thread.x];
  const y = b[this.thread.x];
  if (x != x || x > y) { return x; }
  return y;
}`;

/** torch.relu: NaN stays NaN. */
export const RELU = `function (x) {
  const v = x[this.thread.x];
  if (v > 0 || v != v) { return v; }
  return 0;
}`;

/** One thread per channel: the sum of g [outer, channels, inner] over outer and inner. */
export const BIAS_GRAD = `function (g) {
  const c = this.thread.x;
  let s = 0;
  for (let o = 0; o < this.constants.outer; o++) {
    const base = (o * this.constants.channels + c) * this.constants.inner;
    for (let i = 0; i < this.constants.inner; i++) {
      s += g[base + i];
    }
  }
  return s;
}`;

/** One thread per input element: the output gradients of the windows whose maximum it was (argmax as floats). */
export const MAXPOOL_BACK = `function (dy, argmax) {
  const inPlane = this.constants.h * this.constants.w;
  const p = Math.floor(this.thread.x / inPlane);
  const r = this.thread.x - p * inPlane;
  const iy = Math.floor(r / this.constants.w);
  const ix = r - iy * this.constants.w;
  let s = 0;
  for (let oy = 0; oy < this.constants.outH; oy++) {
    const y0 = oy * this.constants.strideH - this.constants.padH;
    if (iy >= y0 && iy < y0 + this.constants.kh) {
      for (let ox = 0; ox < this.constants.outW; ox++) {
        const x0 = ox * this.constants.strideW - this.constants.padW;
        if (ix >= x0 && ix < x0 + this.constants.kw) {
          const o = (p * this.constants.outH + oy) * this.constants.outW + ox;
          if (argmax[o] === r) {
            s += dy[o];
          }
        }
      }
    }
  }
  return s;
}`;

/** ReLU's backward: dy where x > 0, else 0. */
export const RELU_GRAD = `function (x, dy) {
  if (x[this.thread.x] > 0) { return dy[this.thread.x]; }
  return 0;
}`;

/** Adam parameter step; `shrink` is 1 - lr*wd for AdamW and 1 otherwise. */
export const ADAM_P = `function (p, m, v) {
  const denom = Math.sqrt(v[this.thread.x]) / this.constants.bc2Sqrt + this.constants.eps;
  return p[this.thread.x] * this.constants.shrink - this.constants.stepSize * (m[this.thread.x] / denom);
}`;

/** SGD direction with weight decay: g + wd*p. */
export const SGD_D = `function (g, p) {
  return g[this.thread.x] + this.constants.wd * p[this.thread.x];
}`;

/** SGD momentum buffer: momentum*buf + (1-dampening)*d. */
export const SGD_BUF = `function (buf, d) {
  return this.constants.momentum * buf[this.thread.x] + this.constants.damp * d[this.thread.x];
}`;

/** SGD parameter step along d (+ momentum*buf for Nesterov, selected by the constant nest = 0 or 1). */
export const SGD_P = `function (p, d, buf) {
  return p[this.thread.x] - this.constants.lr * (d[this.thread.x] + this.constants.nest * this.constants.momentum * buf[this.thread.x]);
}`;

/** dx[b,ic,ih,iw]: gather form of the input gradient (each input element sums the outputs whose window held it). */
export const CONV2D_DX = `function (dy, w) {
  const hw = this.constants.h * this.constants.w;
  const b = Math.floor(this.thread.x / (this.constants.cIn * hw));
  let r = this.thread.x - b * this.constants.cIn * hw;
  const ic = Math.floor(r / hw);
  r = r - ic * hw;
  const ih = Math.floor(r / this.constants.w);
  const iw = r - ih * this.constants.w;
  const g = Math.floor(ic / this.constants.cinG);
  const icg = ic - g * this.constants.cinG;
  let s = 0;
  for (let o = 0; o < this.constants.coutG; o++) {
    const oc = g * this.constants.coutG + o;
    for (let ky = 0; ky < this.constants.kh; ky++) {
      const th = ih + this.constants.padH - ky * this.constants.dilationH;
      const oh = Math.floor(th / this.constants.strideH);
      if (th >= 0 && oh * this.constants.strideH == th && oh < this.constants.outH) {
        for (let kx = 0; kx < this.constants.kw; kx++) {
          const tw = iw + this.constants.padW - kx * this.constants.dilationW;
          const ow = Math.floor(tw / this.constants.strideW);
          if (tw >= 0 && ow * this.constants.strideW == tw && ow < this.constants.outW) {
            const dyi = ((b * this.constants.cOut + oc) * this.constants.outH + oh) * this.constants.outW + ow;
            const wi = ((oc * this.constants.cinG + icg) * this.constants.kh + ky) * this.constants.kw + kx;
            s += dy[dyi] * w[wi];
          }
        }
      }
    }
  }
  return s;
}`;

/** dw[oc,icg,ky,kx]: correlation of the input window with the output gradient over batch and positions. */
export const CONV2D_DW = `function (x, dy) {
  const kk = this.constants.kh * this.constants.kw;
  const oc = Math.floor(this.thread.x / (this.constants.cinG * kk));
  let r = this.thread.x - oc * this.constants.cinG * kk;
  const icg = Math.floor(r / kk);
  r = r - icg * kk;
  const ky = Math.floor(r / this.constants.kw);
  const kx = r - ky * this.constants.kw;
  const ic = Math.floor(oc / this.constants.coutG) * this.constants.cinG + icg;
  let s = 0;
  for (let b = 0; b < this.constants.n; b++) {
    for (let oh = 0; oh < this.constants.outH; oh++) {
      const ih = oh * this.constants.strideH - this.constants.padH + ky * this.constants.dilationH;
      if (ih >= 0 && ih < this.constants.h) {
        for (let ow = 0; ow < this.constants.outW; ow++) {
          const iw = ow * this.constants.strideW - this.constants.padW + kx * this.constants.dilationW;
          if (iw >= 0 && iw < this.constants.w) {
            s += x[((b * this.constants.cIn + ic) * this.constants.h + ih) * this.constants.w + iw] *
              dy[((b * this.constants.cOut + oc) * this.constants.outH + oh) * this.constants.outW + ow];
          }
        }
      }
    }
  }
  return s;
}`;

/**
 * Max pooling: the value (want = 0) or its index in the [H*W] plane (want = 1, -1 when the window is all
 * padding). First maximum in row-major order wins ties; a NaN wins and stops the search, as in torch.
 */
export const MAXPOOL = `function (x) {
  const plane = this.constants.outH * this.constants.outW;
  const pc = Math.floor(this.thread.x / plane);
  let r = this.thread.x - pc * plane;
  const oh = Math.floor(r / this.constants.outW);
  const ow = r - oh * this.constants.outW;
  let best = 0;
  let idx = -1;
  let stop = 0;
  for (let ky = 0; ky < this.constants.kh; ky++) {
    const ih = oh * this.constants.strideH - this.constants.padH + ky;
    for (let kx = 0; kx < this.constants.kw; kx++) {
      const iw = ow * this.constants.strideW - this.constants.padW + kx;
      if (stop == 0 && ih >= 0 && ih < this.constants.h && iw >= 0 && iw < this.constants.w) {
        const v = x[(pc * this.constants.h + ih) * this.constants.w + iw];
        if (idx < 0 || v > best || v != v) {
          best = v;
          idx = ih * this.constants.w + iw;
          if (v != v) { stop = 1; }
        }
      }
    }
  }
  if (this.constants.want == 1) { return idx; }
  if (idx < 0) { return -1.0 / 0.0; }
  return best;
}`;

// LSTM and GRU cell kernels. LSTM gate rows hold 4H values (i, f, g, o), GRU's 3H (r, z, n); state rows H. tanh is
// written out as (1 - e)/(1 + e) with e = exp(-2|v|): GLSL's tanh polyfill in gpu.js, (e - 1)/(e + 1) with
// e = exp(2v), is NaN once exp overflows (|v| > 44).

/** Statements declaring `out` = tanh(`v`) (`v` a variable's name), spliced into the kernel sources below. */
const tanhOf = (out: string, v: string): string => `const ${out}E = Math.exp(-2 * Math.abs(${v}));
  let ${out} = (1 - ${out}E) / (1 + ${out}E);
  if (${v} < 0) { ${out} = -${out}; }`;

/** tanh (want = 0) or sigmoid (want = 1) of x, elementwise. */
export const ACTIVATION = `function (x) {
  const v = x[this.thread.x];
  if (this.constants.want == 0) {
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-v));
}`;

/** Their backward from the forward's y: dy * (1 - y*y) for tanh (want = 0), dy * (1 - y) * y for sigmoid. */
export const ACTIVATION_GRAD = `function (y, dy) {
  const v = y[this.thread.x];
  if (this.constants.want == 0) { return dy[this.thread.x] * (1 - v * v); }
  return dy[this.thread.x] * (1 - v) * v;
}`;

/**
 * For a thread over gate rows of `gates` blocks of `hidden` values: its gate, k (the unit's index in the [B, H]
 * state rows) and q (the unit's first gate value in the gate rows).
 */
const gateCursor = (gates: number): string => `const hid = this.constants.hidden;
  const row = Math.floor(this.thread.x / (${gates} * hid));
  const inRow = this.thread.x - row * ${gates} * hid;
  const gate = Math.floor(inRow / hid);
  const k = row * hid + inRow - gate * hid;
  const q = row * ${gates} * hid + inRow - gate * hid;`;

/** The activated gates: tanh for g, sigmoid for i, f and o. */
export const LSTM_GATES = `function (xp, hp) {
  const v = xp[this.thread.x] + hp[this.thread.x];
  const row = Math.floor(this.thread.x / (4 * this.constants.hidden));
  const gate = Math.floor((this.thread.x - row * 4 * this.constants.hidden) / this.constants.hidden);
  if (gate == 2) {
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-v));
}`;

/** The new cell state c = f*cPrev + i*g (want = 0), or h = o*tanh(c) from c (want = 1). */
export const LSTM_CELL = `function (gates, cOrPrev) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 3 * this.constants.hidden;
  const v = cOrPrev[this.thread.x];
  if (this.constants.want == 0) {
    return gates[q + this.constants.hidden] * v + gates[q] * gates[q + 2 * this.constants.hidden];
  }
  ${tanhOf('t', 'v')}
  return gates[q + 3 * this.constants.hidden] * t;
}`;

/** dL/dc at this step: dcIn + (gOut + dhRec)*o*(1 - tanh(c)^2). */
export const LSTM_DC = `function (gOut, dhRec, dcIn, gates, c) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 3 * this.constants.hidden;
  const v = c[this.thread.x];
  ${tanhOf('tc', 'v')}
  const dh = gOut[this.thread.x] + dhRec[this.thread.x];
  return dcIn[this.thread.x] + dh * gates[q + 3 * this.constants.hidden] * (1 - tc * tc);
}`;

/** Gradients of the gate pre-activations, from dc (LSTM_DC's output) and the forward's gates. */
export const LSTM_DGATES = `function (gOut, dhRec, gates, cPrev, c, dc) {
  ${gateCursor(4)}
  const i = gates[q];
  const f = gates[q + hid];
  const g = gates[q + 2 * hid];
  const o = gates[q + 3 * hid];
  if (gate == 0) { return dc[k] * g * i * (1 - i); }
  if (gate == 1) { return dc[k] * cPrev[k] * f * (1 - f); }
  if (gate == 2) { return dc[k] * i * (1 - g * g); }
  const v = c[k];
  ${tanhOf('tc', 'v')}
  return (gOut[k] + dhRec[k]) * tc * o * (1 - o);
}`;

/** dL/dcPrev = dc * f. */
export const LSTM_DC_PREV = `function (dc, gates) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  return dc[this.thread.x] * gates[this.thread.x + row * 3 * this.constants.hidden + this.constants.hidden];
}`;

/** GRU's activated gates: sigmoid for r and z; n = tanh(xn + r*hn), r recomputed from its own pre-activations. */
export const GRU_GATES = `function (xp, hp) {
  const row = Math.floor(this.thread.x / (3 * this.constants.hidden));
  const gate = Math.floor((this.thread.x - row * 3 * this.constants.hidden) / this.constants.hidden);
  if (gate == 2) {
    const q = this.thread.x - 2 * this.constants.hidden;
    const r = 1 / (1 + Math.exp(-(xp[q] + hp[q])));
    const v = xp[this.thread.x] + r * hp[this.thread.x];
    ${tanhOf('t', 'v')}
    return t;
  }
  return 1 / (1 + Math.exp(-(xp[this.thread.x] + hp[this.thread.x])));
}`;

/** GRU's new state h = (1-z)*n + z*hPrev. */
export const GRU_STATE = `function (gates, hPrev) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const q = this.thread.x + row * 2 * this.constants.hidden;
  const z = gates[q + this.constants.hidden];
  return (1 - z) * gates[q + 2 * this.constants.hidden] + z * hPrev[this.thread.x];
}`;

/**
 * GRU's gate gradients from dh = gOut + dhRec: dr = dn*hn*r*(1-r), dz = dh*(hPrev-n)*z*(1-z), dn = dh*(1-z)*(1-n^2);
 * the hidden projection's n gradient is dn*r (hiddenSide = 1), the input projection's dn (hiddenSide = 0).
 */
export const GRU_DGATES = `function (gOut, dhRec, gates, hn, hPrev) {
  ${gateCursor(3)}
  const r = gates[q];
  const z = gates[q + hid];
  const n = gates[q + 2 * hid];
  const dh = gOut[k] + dhRec[k];
  if (gate == 1) { return dh * (hPrev[k] - n) * z * (1 - z); }
  const dn = dh * (1 - z) * (1 - n * n);
  if (gate == 0) { return dn * hn[k] * r * (1 - r); }
  if (this.constants.hiddenSide == 1) { return dn * r; }
  return dn;
}`;

/** The part of GRU's dL/dhPrev that bypasses W_hh: z * (gOut + dhRec). */
export const GRU_DH_DIRECT = `function (gOut, dhRec, gates) {
  const row = Math.floor(this.thread.x / this.constants.hidden);
  const z = gates[this.thread.x + row * 2 * this.constants.hidden + this.constants.hidden];
  return (gOut[this.thread.x] + dhRec[this.thread.x]) * z;
}`;
