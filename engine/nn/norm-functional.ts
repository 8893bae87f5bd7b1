// F.batch_norm and F.layer_norm as single fused ops: one pass for the statistics, one for the output, and the
// closed-form backward (the gradient through the mean and variance folded in), rather than a dozen small ops.
// Statistics accumulate in float64.
import { makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import { sizeOf } from '../ops/broadcast';
import type { Tensor } from '../tensor';

/**
 * F.batch_norm(input, running_mean, running_var, weight?, bias?, training=false, momentum=0.1, eps=1e-5) over
 * channel dim 1 of [N, C, ...]. In training the batch statistics normalise (biased variance) and, when running
 * stats are given, they are updated in place with the unbiased variance, as PyTorch does.
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  if (input.shape.length < 2) throw new ShapeError('batch_norm', 'input must be at least 2-D', '[N, C, ...]', shapeStr(input.shape));
  const n = input.shape[0];
  const c = input.shape[1];
  const s = sizeOf(input.shape.slice(2));
  for (const [name, t] of [['weight', weight], ['bias', bias], ['running_mean', running_mean], ['running_var', running_var]] as const) {
    if (t && t.data.length !== c) throw new ShapeError('batch_norm', `${name} has ${t.data.length} values for ${c} channels`, `[${c}]`, shapeStr(t.shape));
  }
  const useBatch = training || !running_mean || !running_var;
  const m = n * s;
  if (useBatch && m <= 1) {
    throw new ShapeError('batch_norm', `expected more than 1 value per channel when training, got input size ${shapeStr(input.shape)}`);
  }
  const xd = input.data;
  const mean = new Float64Array(c);
  const invstd = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let mu: number;
    let v: number;
    if (useBatch) {
      let sum = 0;
      for (let b = 0; b < n; b++) {
        const off = (b * c + ch) * s;
        for (let i = 0; i < s; i++) sum += xd[off + i];
      }
      mu = sum / m;
      let sq = 0;
      for (let b = 0; b < n; b++) {
        const off = (b * c + ch) * s;
        for (let i = 0; i < s; i++) sq += (xd[off + i] - mu) ** 2;
      }
      v = sq / m;
      if (training && running_mean && running_var) {
        running_mean.data[ch] = (1 - momentum) * running_mean.data[ch] + momentum * mu;
        running_var.data[ch] = (1 - momentum) * running_var.data[ch] + momentum * (sq / (m - 1));
      }
    } else {
      mu = (running_mean as Tensor).data[ch];
      v = (running_var as Tensor).data[ch];
    }
    mean[ch] = mu;
    invstd[ch] = 1 / Math.sqrt(v + eps);
  }
  const y = new Float32Array(xd.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (b * c + ch) * s;
      const scale = invstd[ch] * (weight ? weight.data[ch] : 1);
      const shift = (bias ? bias.data[ch] : 0) - mean[ch] * scale;
      for (let i = 0; i < s; i++) y[off + i] = xd[off + i] * scale + shift;
    }
  }
  const inputs = [input];
  if (weight) inputs.push(weight);
  if (bias) inputs.push(bias);
  return makeOp('batch_norm', inputs, y, input.shape.slice(), (g) => {
    // Per channel: sum(g) and sum(g * xhat) give dbias, dweight and, in training, the mean/variance terms.
    const sumG = new Float64Array(c);
    const sumGX = new Float64Array(c);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        const off = (b * c + ch) * s;
        const mu = mean[ch];
        let sg = 0;
        let sgx = 0;
        for (let i = 0; i < s; i++) {
          sg += g[off + i];
          sgx += g[off + i] * (xd[off + i] - mu);
        }
        sumG[ch] += sg;
        sumGX[ch] += sgx * invstd[ch];
      }
    }
    let gx: Float32Array | null = null;
    if (input.requires_grad) {
      gx = new Float32Array(xd.length);
      for (let b = 0; b < n; b++) {
        for (let ch = 0; ch < c; ch++) {
          const off = (b * c + ch) * s;
          const k = invstd[ch] * (weight ? weight.data[ch] : 1);
          if (!useBatch) {
            for (let i = 0; i < s; i++) gx[off + i] = g[off + i] * k;
            continue;
          }
          const mg = sumG[ch] / m;
          const mgx = sumGX[ch] / m;
          for (let i = 0; i < s; i++) {
            const xhat = (xd[off + i] - mean[ch]) * invstd[ch];
            gx[off + i] = k * (g[off + i] - mg - xhat * mgx);
          }
        }
      }
    }
    const out: Array<Float32Array | null> = [gx];
    if (weight) out.push(weight.requires_grad ? Float32Array.from(sumGX) : null);
    if (bias) out.push(bias.requires_grad ? Float32Array.from(sumG) : null);
    return out;
  });
}

/**
 * F.layer_norm(input, normalized_shape, weight?, bias?, eps=1e-5): normalises over the trailing dims given by
 * normalized_shape (biased variance), then scales and shifts element-wise.
 */
export function layer_norm(
  input: Tensor,
  normalized_shape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const ns = typeof normalized_shape === 'number' ? [normalized_shape] : Array.from(normalized_shape);
  const tail = input.shape.slice(input.shape.length - ns.length);
  if (input.shape.length < ns.length || tail.some((d, i) => d !== ns[i])) {
    throw new ShapeError('layer_norm', `input's trailing dims must equal normalized_shape ${shapeStr(ns)}`, `[*, ${ns.join(', ')}]`, shapeStr(input.shape));
  }
  const d = sizeOf(ns);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && t.data.length !== d) throw new ShapeError('layer_norm', `${name} must match normalized_shape`, shapeStr(ns), shapeStr(t.shape));
  }
  const xd = input.data;
  const rows = d === 0 ? 0 : xd.length / d;
  const mean = new Float64Array(rows);
  const invstd = new Float64Array(rows);
  const y = new Float32Array(xd.length);
  const wd = weight?.data;
  const bd = bias?.data;
  for (let r = 0; r < rows; r++) {
    const off = r * d;
    let sum = 0;
    for (let i = 0; i < d; i++) sum += xd[off + i];
    const mu = sum / d;
    let sq = 0;
    for (let i = 0; i < d; i++) sq += (xd[off + i] - mu) ** 2;
    const is = 1 / Math.sqrt(sq / d + eps);
    mean[r] = mu;
    invstd[r] = is;
    for (let i = 0; i < d; i++) y[off + i] = (xd[off + i] - mu) * is * (wd ? wd[i] : 1) + (bd ? bd[i] : 0);
  }
  const inputs = [input];
  if (weight) inputs.push(weight);
  if (bias) inputs.push(bias);
  return makeOp('layer_norm', inputs, y, input.shape.slice(), (g) => {
    const gx = input.requires_grad ? new Float32Array(xd.length) : null;
    const gw = weight?.requires_grad ? new Float64Array(d) : null;
    const gb = bias?.requires_grad ? new Float64Array(d) : null;
    for (let r = 0; r < rows; r++) {
      const off = r * d;
      const mu = mean[r];
      const is = invstd[r];
      // gy = g * weight is the gradient reaching xhat; dx = invstd * (gy - mean(gy) - xhat * mean(gy * xhat)).
      let sg = 0;
      let sgx = 0;
      for (let i = 0; i < d; i++) {
        const xhat = (xd[off + i] - mu) * is;
        const gy = g[off + i] * (wd ? wd[i] : 1);
        sg += gy;
        sgx += gy * xhat;
        if (gw) gw[i] += g[off + i] * xhat;
        if (gb) gb[i] += g[off + i];
      }
      if (gx) {
        const mg = sg / d;
        const mgx = sgx / d;
        for (let i = 0; i < d; i++) {
          const xhat = (xd[off + i] - mu) * is;
          gx[off + i] = is * (g[off + i] * (wd ? wd[i] : 1) - mg - xhat * mgx);
        }
      }
    }
    const out: Array<Float32Array | null> = [gx];
    if (weight) out.push(gw ? Float32Array.from(gw) : null);
    if (bias) out.push(gb ? Float32Array.from(gb) : null);
    return out;
  });
}
