// Convolutions (F.conv2d, F.conv1d) on the Conv2D kernels. The kernel only knows symmetric zero padding, so
// padding='same' with an even dilated kernel (PyTorch puts the extra row and column at the end) pads the input
// explicitly first. conv1d is conv2d on [N, C, 1, L]: one kernel family serves both.
import { makeOp } from '../autograd';
import { ShapeError, shapeStr } from '../errors';
import { runKernel } from '../kernels/registry';
import type { Conv2DAttrs } from '../kernels/kernel-map';
import type { Tensor } from '../tensor';
import { reshape } from './shape';

/** An int, or one int per spatial dimension (PyTorch's `_pair`). */
export type IntOrPair = number | readonly number[];
export type ConvPadding = IntOrPair | 'same' | 'valid';

export interface ConvOptions {
  stride?: IntOrPair;
  padding?: ConvPadding;
  dilation?: IntOrPair;
  groups?: number;
}

/** Expands an int to `n` ints (PyTorch's _single/_pair), checking they are positive integers when `min` says so. */
export function ntuple(v: IntOrPair, n: number, what: string, min = 0): number[] {
  const out = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.from(v);
  if (out.length !== n || out.some((x) => !Number.isInteger(x) || x < min)) {
    throw new Error(`${what} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return out;
}

/** `(a, b)` as PyTorch prints tuples (`(3,)` for one element). */
export function tupleStr(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** Zero padding [before, after] per spatial dim. */
function resolvePadding(padding: ConvPadding, kernel: number[], dilation: number[], stride: number[]): Array<[number, number]> {
  if (padding === 'valid') return kernel.map(() => [0, 0]);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      const before = Math.floor(total / 2);
      return [before, total - before];
    });
  }
  return ntuple(padding, kernel.length, 'padding').map((p) => [p, p]);
}

/** Zero-pads H and W of x [N, C, H, W] by different amounts per side (only 'same' with even kernels needs it). */
function pad2d(x: Tensor, top: number, bottom: number, left: number, right: number): Tensor {
  const [n, c, h, w] = x.shape;
  const oh = h + top + bottom;
  const ow = w + left + right;
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < h; y++) out.set(x.data.subarray((p * h + y) * w, (p * h + y + 1) * w), (p * oh + y + top) * ow + left);
  }
  return makeOp('pad', [x], out, [n, c, oh, ow], (g) => {
    const gx = new Float32Array(x.data.length);
    for (let p = 0; p < n * c; p++) {
      for (let y = 0; y < h; y++) gx.set(g.subarray((p * oh + y + top) * ow + left, (p * oh + y + top) * ow + left + w), (p * h + y) * w);
    }
    return [gx];
  });
}

/** The core: x [N, C, H, W], weight [Cout, C/groups, KH, KW], symmetric padding. */
function conv2dCore(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], pad: number[], dilation: number[], groups: number): Tensor {
  const [n, cIn, h, w] = x.shape;
  const [cOut, , kh, kw] = weight.shape;
  const outH = Math.floor((h + 2 * pad[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const outW = Math.floor((w + 2 * pad[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  if (outH <= 0 || outW <= 0) {
    const eff = `${dilation[0] * (kh - 1) + 1}x${dilation[1] * (kw - 1) + 1}`;
    throw new ShapeError(op, `input of ${h}x${w} (padded to ${h + 2 * pad[0]}x${w + 2 * pad[1]}) is smaller than the ${eff} kernel`);
  }
  const attrs: Conv2DAttrs = {
    n, cIn, h, w, cOut, kh, kw,
    strideH: stride[0], strideW: stride[1], padH: pad[0], padW: pad[1], dilationH: dilation[0], dilationW: dilation[1],
    groups, outH, outW,
  };
  const y = runKernel('Conv2D', x.data, weight.data, bias ? bias.data : null, attrs);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const plane = outH * outW;
  return makeOp(op, inputs, y, [n, cOut, outH, outW], (g) => {
    const gx = x.requires_grad ? runKernel('Conv2DBackpropInput', g, weight.data, attrs) : null;
    const gw = weight.requires_grad ? runKernel('Conv2DBackpropFilter', x.data, g, attrs) : null;
    if (!bias) return [gx, gw];
    const gb = bias.requires_grad ? runKernel('BiasGrad', g, { outer: n, channels: cOut, inner: plane }) : null;
    return [gx, gw, gb];
  });
}

/** Checks input channels against weight and groups; returns [batched input, whether it was unbatched]. */
function checkInput(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, groups: number, spatial: string[]): [Tensor, boolean] {
  const rank = spatial.length + 2;
  if (weight.shape.length !== rank) {
    throw new ShapeError(op, `weight must be ${rank}-D [C_out, C_in/groups, ${spatial.map((s) => 'K' + s).join(', ')}]`);
  }
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  const cIn = weight.shape[1] * groups;
  const expected = `[N, ${cIn}, ${spatial.join(', ')}]`;
  const batched = x.shape.length === rank;
  if (!batched && x.shape.length !== rank - 1) {
    const hint = x.shape.length < rank - 1 ? reshapeHint(x.shape, cIn, rank) : '';
    throw new ShapeError(op, `input must be ${rank}-D (or ${rank - 1}-D unbatched)${hint}`, expected, shapeStr(x.shape));
  }
  const c = x.shape[batched ? 1 : 0];
  if (c !== cIn) {
    throw new ShapeError(op, `input has ${c} channels, the weight expects ${cIn}${groups > 1 ? ` (${weight.shape[1]} x groups=${groups})` : ''}`, expected, shapeStr(x.shape));
  }
  if (weight.shape[0] % groups !== 0) throw new ShapeError(op, `out_channels ${weight.shape[0]} is not divisible by groups=${groups}`);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(op, 'bias must have one value per output channel', `[${weight.shape[0]}]`, shapeStr(bias.shape));
  }
  return [batched ? x : reshape(x, [1, ...x.shape], op), !batched];
}

/** For flat input (e.g. MNIST's [N, 784] into a Conv2d), the view that would make it fit. */
function reshapeHint(shape: readonly number[], cIn: number, rank: number): string {
  const feat = shape[shape.length - 1];
  if (rank === 4) {
    const side = Math.round(Math.sqrt(feat / cIn));
    if (side > 0 && side * side * cIn === feat) return ` (flat features? reshape first: x.view(-1, ${cIn}, ${side}, ${side}))`;
  } else if (feat % cIn === 0) {
    return ` (flat features? reshape first: x.view(-1, ${cIn}, ${feat / cIn}))`;
  }
  return ' (flat features? reshape the input to [N, channels, ...spatial] first)';
}

function isOptions(v: unknown): v is ConvOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function conv2dPadded(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: ConvPadding, dilation: number[], groups: number): Tensor {
  const pads = resolvePadding(padding, weight.shape.slice(2), dilation, stride);
  if (pads.every(([a, b]) => a === b)) return conv2dCore(op, x, weight, bias, stride, pads.map(([a]) => a), dilation, groups);
  const xp = pad2d(x, pads[0][0], pads[0][1], pads[1][0], pads[1][1]);
  return conv2dCore(op, xp, weight, bias, stride, [0, 0], dilation, groups);
}

/**
 * F.conv2d(input, weight, bias?, stride=1, padding=0, dilation=1, groups=1): input [N, C_in, H, W] (or unbatched
 * [C_in, H, W]), weight [C_out, C_in/groups, KH, KW]. Keyword arguments may also come as an options object in
 * the stride position: F.conv2d(x, w, b, { padding: 'same' }).
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  stride: IntOrPair | ConvOptions = 1,
  padding: ConvPadding = 0,
  dilation: IntOrPair = 1,
  groups = 1,
): Tensor {
  const o: ConvOptions = isOptions(stride) ? stride : { stride, padding, dilation, groups };
  const g = o.groups ?? 1;
  const [x, unbatched] = checkInput('conv2d', input, weight, bias, g, ['H', 'W']);
  const y = conv2dPadded('conv2d', x, weight, bias, ntuple(o.stride ?? 1, 2, 'stride', 1), o.padding ?? 0, ntuple(o.dilation ?? 1, 2, 'dilation', 1), g);
  return unbatched ? reshape(y, y.shape.slice(1), 'conv2d') : y;
}

/** F.conv1d(input, weight, bias?, stride=1, padding=0, dilation=1, groups=1): input [N, C_in, L], weight [C_out, C_in/groups, K]. */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  stride: IntOrPair | ConvOptions = 1,
  padding: ConvPadding = 0,
  dilation: IntOrPair = 1,
  groups = 1,
): Tensor {
  const o: ConvOptions = isOptions(stride) ? stride : { stride, padding, dilation, groups };
  const g = o.groups ?? 1;
  const [x, unbatched] = checkInput('conv1d', input, weight, bias, g, ['L']);
  const [n, c, l] = x.shape;
  const w4 = reshape(weight, [weight.shape[0], weight.shape[1], 1, weight.shape[2]], 'conv1d');
  const pad = o.padding ?? 0;
  const pad2: ConvPadding = typeof pad === 'string' ? pad : [0, ntuple(pad, 1, 'padding')[0]];
  const s = ntuple(o.stride ?? 1, 1, 'stride', 1)[0];
  const d = ntuple(o.dilation ?? 1, 1, 'dilation', 1)[0];
  const y4 = conv2dPadded('conv1d', reshape(x, [n, c, 1, l], 'conv1d'), w4, bias, [1, s], pad2, [1, d], g);
  const y = reshape(y4, [n, y4.shape[1], y4.shape[3]], 'conv1d');
  return unbatched ? reshape(y, y.shape.slice(1), 'conv1d') : y;
}
