// The Tensor: a contiguous float32 array with a shape, an optional gradient and the graph node that made it.
// Methods are thin PyTorch-named wrappers over the op functions in ops/, which hold the math.
import { backward as runBackward, type Node } from './autograd';
import { trainingHooks } from './hooks';
import { defaultGenerator, type Generator } from './random';
import * as bin from './ops/binary';
import { sizeOf } from './ops/broadcast';
import * as mat from './ops/matmul';
import * as red from './ops/reduce';
import * as shp from './ops/shape';
import * as sm from './ops/softmax';
import * as un from './ops/unary';

export type NestedArray = number | NestedArray[];
type Operand = Tensor | number;

const shapeArg = (shape: number[] | [readonly number[]]): readonly number[] =>
  shape.length === 1 && Array.isArray(shape[0]) ? (shape[0] as readonly number[]) : (shape as number[]);

export class Tensor {
  data: Float32Array;
  shape: number[];
  requires_grad: boolean;
  /**
   * The gradient as the engine reads it. Code outside the engine reads `grad`, which notes that the gradient may
   * have escaped (see Parameter's gradient slot); the engine's own passing reads (optimizers, clipping, telemetry)
   * use `_grad` so they do not count.
   */
  _grad: Tensor | null = null;
  /** Whether `grad` was read since the gradient was last set. */
  _gradSeen = false;
  /** The op that produced this tensor (null for leaves and for tensors made without grad). */
  _node: Node | null = null;
  /** Called with this tensor's gradient during backward (register_hook). */
  _hooks: Array<(grad: Float32Array) => void> | null = null;

  constructor(data: Float32Array, shape: readonly number[], requires_grad = false) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
    }
    this.data = data;
    this.shape = shape.slice();
    this.requires_grad = requires_grad;
  }

  get grad(): Tensor | null {
    if (this._grad) this._gradSeen = true;
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (this._grad && this._grad !== g) this.gradDropped(this._grad, this._gradSeen);
    this._grad = g;
    this._gradSeen = false;
  }

  /** Called when the gradient `old` is replaced or cleared; `seen` says whether anyone outside the engine read it. */
  protected gradDropped(_old: Tensor, _seen: boolean): void {}

  /**
   * A buffer the fresh gradient of this leaf may be written into during backward pass `pass` (so a kernel can put
   * it there directly instead of copying it), or undefined. Parameters lend their gradient slot; see parameter.ts.
   */
  gradTarget(_pass: number): Float32Array | undefined {
    return undefined;
  }

  // ---- information -------------------------------------------------------------------------
  numel(): number {
    return this.data.length;
  }
  dim(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[dim < 0 ? dim + this.shape.length : dim];
  }
  get grad_fn(): string | null {
    return this._node ? this._node.op : null;
  }
  get is_leaf(): boolean {
    return this._node === null;
  }
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() needs a one-element tensor, this one has shape [${this.shape.join(', ')}]`);
    return this.data[0];
  }
  tolist(): NestedArray {
    const build = (offset: number, dim: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(offset + i * stride, dim + 1));
      return out;
    };
    return build(0, 0);
  }
  toString(): string {
    const preview = Array.from(this.data.subarray(0, 8), (v) => Number(v.toPrecision(5))).join(', ');
    return `tensor(shape=[${this.shape.join(', ')}], [${preview}${this.data.length > 8 ? ', ...' : ''}]${this._node ? `, grad_fn=${this._node.op}` : ''})`;
  }

  // ---- autograd ----------------------------------------------------------------------------
  backward(gradient?: Tensor): void {
    trainingHooks()?.beforeBackward?.(this);
    runBackward(this, gradient);
  }
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }
  clone(): Tensor {
    return bin.mul(this, 1);
  }
  requires_grad_(flag = true): this {
    this.requires_grad = flag;
    return this;
  }
  register_hook(hook: (grad: Float32Array) => void): () => void {
    (this._hooks ??= []).push(hook);
    return () => {
      this._hooks = this._hooks?.filter((h) => h !== hook) ?? null;
    };
  }

  // ---- in-place (no graph; used by init and optimizers on leaves) ---------------------------
  zero_(): this {
    this.data.fill(0);
    return this;
  }
  fill_(v: number): this {
    this.data.fill(v);
    return this;
  }
  copy_(src: Tensor | ArrayLike<number>): this {
    const d = src instanceof Tensor ? src.data : src;
    if (d.length !== this.data.length) throw new Error(`copy_: ${d.length} elements into a tensor of ${this.data.length}`);
    this.data.set(d);
    return this;
  }
  uniform_(a = 0, b = 1, generator: Generator = defaultGenerator): this {
    for (let i = 0; i < this.data.length; i++) this.data[i] = generator.uniform(a, b);
    return this;
  }
  normal_(mean = 0, std = 1, generator: Generator = defaultGenerator): this {
    for (let i = 0; i < this.data.length; i++) this.data[i] = mean + std * generator.normal();
    return this;
  }

  // ---- elementwise ---------------------------------------------------------------------------
  add(o: Operand, alpha = 1): Tensor {
    return bin.add(this, alpha === 1 ? o : bin.mul(bin.toTensor(o), alpha));
  }
  sub(o: Operand): Tensor {
    return bin.sub(this, o);
  }
  mul(o: Operand): Tensor {
    return bin.mul(this, o);
  }
  div(o: Operand): Tensor {
    return bin.div(this, o);
  }
  maximum(o: Operand): Tensor {
    return bin.maximum(this, o);
  }
  minimum(o: Operand): Tensor {
    return bin.minimum(this, o);
  }
  neg(): Tensor {
    return un.neg(this);
  }
  pow(p: number): Tensor {
    return un.pow(this, p);
  }
  square(): Tensor {
    return un.square(this);
  }
  exp(): Tensor {
    return un.exp(this);
  }
  log(): Tensor {
    return un.log(this);
  }
  sqrt(): Tensor {
    return un.sqrt(this);
  }
  abs(): Tensor {
    return un.abs(this);
  }
  sin(): Tensor {
    return un.sin(this);
  }
  cos(): Tensor {
    return un.cos(this);
  }
  relu(): Tensor {
    return un.relu(this);
  }
  sigmoid(): Tensor {
    return un.sigmoid(this);
  }
  tanh(): Tensor {
    return un.tanh(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return un.clamp(this, min, max);
  }

  // ---- reductions ----------------------------------------------------------------------------
  sum(dim?: number | number[] | null, keepdim = false): Tensor {
    return red.sum(this, dim, keepdim);
  }
  mean(dim?: number | number[] | null, keepdim = false): Tensor {
    return red.mean(this, dim, keepdim);
  }
  /** Values of the maximum (over all elements, or along dim). Use argmax for the indices. */
  max(dim?: number | null, keepdim = false): Tensor {
    return red.amax(this, dim, keepdim);
  }
  amax(dim?: number | null, keepdim = false): Tensor {
    return red.amax(this, dim, keepdim);
  }
  min(dim?: number | null, keepdim = false): Tensor {
    return red.amax(un.neg(this), dim, keepdim).neg();
  }
  argmax(dim?: number | null, keepdim = false): Tensor {
    return red.argmax(this, dim, keepdim);
  }
  /** Variance (unbiased by default, as torch.var). */
  var(dim?: number | number[] | null, unbiased = true, keepdim = false): Tensor {
    const mu = red.mean(this, dim, true);
    const sq = un.square(bin.sub(this, mu));
    const n = this.data.length / mu.data.length;
    return red.sum(sq, dim, keepdim).div(unbiased ? Math.max(n - 1, 1) : n);
  }
  std(dim?: number | number[] | null, unbiased = true, keepdim = false): Tensor {
    return this.var(dim, unbiased, keepdim).sqrt();
  }
  /** L2 norm of all elements (Frobenius). */
  norm(): Tensor {
    return un.sqrt(red.sum(un.square(this)));
  }

  // ---- shape ---------------------------------------------------------------------------------
  /** view(2, -1) or view([2, -1]), as PyTorch accepts both. */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return shp.reshape(this, shapeArg(shape), 'view');
  }
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return shp.reshape(this, shapeArg(shape), 'reshape');
  }
  flatten(start_dim = 0, end_dim = -1): Tensor {
    return shp.flatten(this, start_dim, end_dim);
  }
  unsqueeze(dim: number): Tensor {
    return shp.unsqueeze(this, dim);
  }
  squeeze(dim?: number): Tensor {
    return shp.squeeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return shp.transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor (Tensor.T / .t()). */
  t(): Tensor {
    return shp.transpose(this, 0, 1);
  }
  get T(): Tensor {
    return shp.permute(this, [...this.shape.keys()].reverse());
  }
  permute(...dims: number[]): Tensor {
    return shp.permute(this, dims);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return shp.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return shp.select(this, dim, index);
  }
  expand(...shape: number[]): Tensor {
    return shp.expand(this, shape);
  }

  // ---- linear algebra and activations ---------------------------------------------------------
  matmul(o: Tensor): Tensor {
    return mat.matmul(this, o);
  }
  mm(o: Tensor): Tensor {
    return mat.matmul(this, o);
  }
  softmax(dim = -1): Tensor {
    return sm.softmax(this, dim);
  }
  log_softmax(dim = -1): Tensor {
    return sm.log_softmax(this, dim);
  }
}
