// nn.Embedding and F.embedding: a lookup table [num_embeddings, embedding_dim] indexed by a float tensor holding
// integer indices (the engine has only float32 tensors). As in PyTorch the row at padding_idx starts at zero and
// never receives a gradient.
import { makeOp } from '../autograd';
import { full } from '../creation';
import { ShapeError, shapeStr } from '../errors';
import type { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { P, deviceParam, dtypeParam, signature } from '../signature';

const embeddingArgs = signature('nn.Embedding', {
  num_embeddings: P.int.req(),
  embedding_dim: P.int.req(),
  padding_idx: P.nullableInt.opt(),
  max_norm: P.unsupported('max_norm renormalisation is not implemented').opt(),
  norm_type: P.unsupported('only used with max_norm', 2).opt(),
  scale_grad_by_freq: P.unsupported('not implemented', false).opt(),
  sparse: P.unsupported('sparse gradients are not implemented', false).opt(),
  _weight: P.nullableTensor.opt(),
  _freeze: P.bool.opt(),
  device: deviceParam,
  dtype: dtypeParam,
});

/** F.embedding(input, weight, padding_idx?): output is input.shape + [embedding_dim]. */
export function embedding(input: Tensor, weight: Tensor, padding_idx: number | null = null): Tensor {
  if (weight.shape.length !== 2) throw new ShapeError('embedding', 'weight must be 2-D', '[num_embeddings, embedding_dim]', shapeStr(weight.shape));
  const [num, dim] = weight.shape;
  const idx = input.data;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!Number.isInteger(v) || v < 0 || v >= num) {
      throw new ShapeError('embedding', `index ${v} at position ${i} is not an integer in [0, ${num - 1}] (num_embeddings=${num})`);
    }
  }
  const pad = padding_idx === null ? -1 : padding_idx < 0 ? padding_idx + num : padding_idx;
  const wd = weight.data;
  const out = new Float32Array(idx.length * dim);
  for (let i = 0; i < idx.length; i++) out.set(wd.subarray(idx[i] * dim, (idx[i] + 1) * dim), i * dim);
  // The indices are not differentiable: only the weight is an input of the node.
  return makeOp('embedding', [weight], out, [...input.shape, dim], (g) => {
    const gw = new Float32Array(wd.length);
    for (let i = 0; i < idx.length; i++) {
      const row = idx[i];
      if (row === pad) continue;
      const src = i * dim;
      const dst = row * dim;
      for (let j = 0; j < dim; j++) gw[dst + j] += g[src + j];
    }
    return [gw];
  });
}

/** The options of nn.Embedding; max_norm, scale_grad_by_freq and sparse only at their defaults. */
export interface EmbeddingOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
  _freeze?: boolean;
}

export class Embedding extends Module {
  readonly padding_idx: number | null;
  weight: Parameter;

  readonly num_embeddings: number;
  readonly embedding_dim: number;

  constructor(num_embeddings: number, embedding_dim: number, opts?: EmbeddingOptions);
  constructor(num_embeddings: number, embedding_dim: number, padding_idx?: number | null, opts?: EmbeddingOptions);
  constructor(
    num_embeddings: number,
    embedding_dim: number,
    padding_idx?: number | null,
    max_norm?: null,
    norm_type?: number,
    scale_grad_by_freq?: false,
    sparse?: false,
    _weight?: Tensor | null,
    _freeze?: boolean,
    opts?: EmbeddingOptions,
  );
  constructor(...args: unknown[]) {
    super();
    const opts = embeddingArgs(args);
    const { num_embeddings, embedding_dim } = opts;
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    let pad = opts.padding_idx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= num_embeddings || pad < -num_embeddings) {
        throw new Error(`padding_idx must be within num_embeddings (got ${pad} for ${num_embeddings})`);
      }
      if (pad < 0) pad += num_embeddings;
    }
    this.padding_idx = pad;
    this.weight = new Parameter(full([num_embeddings, embedding_dim], 0));
    if (opts._weight) {
      if (opts._weight.shape.length !== 2 || opts._weight.shape[0] !== num_embeddings || opts._weight.shape[1] !== embedding_dim) {
        throw new Error(`Embedding: _weight must have shape [${num_embeddings}, ${embedding_dim}], got [${opts._weight.shape.join(', ')}]`);
      }
      this.weight.data.set(opts._weight.data);
    } else this.weight.normal_(0, 1);
    if (opts._freeze) this.weight.requires_grad = false;
    // PyTorch zeroes the padding row of a fresh weight only; a given _weight is used as it is.
    if (pad !== null && !opts._weight) this.weight.data.fill(0, pad * embedding_dim, (pad + 1) * embedding_dim);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.padding_idx);
  }

  override extra_repr(): string {
    return `${this.num_embeddings}, ${this.embedding_dim}${this.padding_idx === null ? '' : `, padding_idx=${this.padding_idx}`}`;
  }
}
