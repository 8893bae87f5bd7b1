// softmax and log_softmax along a dimension, max-shifted for stability.
import { makeOp } from '../autograd';
import type { Tensor } from '../tensor';
import { normDim, split3 } from './reduce';

function softmaxCore(x: Tensor, dim: number, log: boolean): Float32Array {
  const d = normDim(dim, x.shape.length, log ? 'log_softmax' : 'softmax');
  const [outer, len, inner] = split3(x.shape, d);
  const xd = x.data;
  const out = new Float32Array(xd.length);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = o * len * inner + i;
    let mx = -Infinity;
    for (let l = 0; l < len; l++) mx = Math.max(mx, xd[base + l * inner]);
    let s = 0;
    for (let l = 0; l < len; l++) s += Math.exp(xd[base + l * inner] - mx);
    if (log) {
      const lse = mx + Math.log(s);
      for (let l = 0; l < len; l++) out[base + l * inner] = xd[base + l * inner] - lse;
    } else {
      for (let l = 0; l < len; l++) out[base + l * inner] = Math.exp(xd[base + l * inner] - mx) / s;
    }
  }
  return out;
}

export function softmax(x: Tensor, dim = -1): Tensor {
  const y = softmaxCore(x, dim, false);
  const [outer, len, inner] = split3(x.shape, normDim(dim, x.shape.length, 'softmax'));
  return makeOp('softmax', [x], y, x.shape.slice(), (g) => {
    // dx = y * (g - sum(g*y))
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let dot = 0;
      for (let l = 0; l < len; l++) dot += g[base + l * inner] * y[base + l * inner];
      for (let l = 0; l < len; l++) gx[base + l * inner] = y[base + l * inner] * (g[base + l * inner] - dot);
    }
    return [gx];
  });
}

export function log_softmax(x: Tensor, dim = -1): Tensor {
  const y = softmaxCore(x, dim, true);
  const [outer, len, inner] = split3(x.shape, normDim(dim, x.shape.length, 'log_softmax'));
  return makeOp('log_softmax', [x], y, x.shape.slice(), (g) => {
    // dx = g - softmax * sum(g)
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let s = 0;
      for (let l = 0; l < len; l++) s += g[base + l * inner];
      for (let l = 0; l < len; l++) gx[base + l * inner] = g[base + l * inner] - Math.exp(y[base + l * inner]) * s;
    }
    return [gx];
  });
}
