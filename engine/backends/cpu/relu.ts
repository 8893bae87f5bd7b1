// ReLU and its backward, the reference. Comparisons rather than Math.max: Math.max(-0, 0) is +0 as in torch, but
// the explicit form states the NaN rule (NaN > 0 is false, so NaN would become 0 without the x !== x test).
export function relu(x: Float32Array): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return out;
}

export function reluGrad(x: Float32Array, dy: Float32Array): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? dy[i] : 0;
  return out;
}
