// Shared by the convolution kernels: for one kernel offset, the output columns whose input column falls
// inside the image, so the inner loops need no bounds test.
export function validRange(outSize: number, inSize: number, stride: number, pad: number, offset: number): [number, number] {
  // input index = o*stride - pad + offset must lie in [0, inSize)
  let lo = Math.ceil((pad - offset) / stride);
  let hi = Math.floor((inSize - 1 + pad - offset) / stride) + 1;
  if (lo < 0) lo = 0;
  if (hi > outSize) hi = outSize;
  return [lo, hi < lo ? lo : hi];
}
