// Calling the definition's loss and scoring predictions: the loss is either a loss module (called with
// (output, target)) or a function (output, target, input) for models with several outputs, like a VAE.
import type { LossFn } from '../definition';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';

export function callLoss(loss: LossFn, out: unknown, y: Tensor, x: Tensor): Tensor {
  const value =
    loss instanceof Module
      ? (loss as unknown as (o: unknown, t: Tensor) => unknown)(out, y)
      : (loss as unknown as (o: unknown, t: Tensor, i: Tensor) => unknown)(out, y, x);
  if (!(value instanceof Tensor)) throw new TypeError('The loss must return a Tensor (a scalar such as loss_fn(output, target)).');
  return value;
}

export type AccuracyKind = 'classes' | 'logit' | 'probability' | null;

/** How to score outputs: argmax for class indices, a threshold for binary outputs, nothing otherwise. */
export function accuracyKind(task: string, loss: LossFn, enabled: boolean | undefined): AccuracyKind {
  if (enabled === false) return null;
  const lossName = loss instanceof Module ? (loss as unknown as { typeName: string }).typeName : '';
  if (task === 'classification' || (task === 'sequence' && /CrossEntropy|NLL/.test(lossName))) return 'classes';
  if (task === 'binary') return lossName === 'BCELoss' ? 'probability' : 'logit';
  return null;
}

/** Number of correct predictions in a batch. */
export function countCorrect(kind: AccuracyKind, out: unknown, y: Tensor): number {
  if (!kind || !(out instanceof Tensor)) return 0;
  const o = out.data;
  const t = y.data;
  let correct = 0;
  if (kind === 'classes') {
    const b = out.shape[0];
    const c = o.length / b;
    for (let i = 0; i < b; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (o[i * c + k] > o[i * c + best]) best = k;
      if (best === t[i]) correct++;
    }
    return correct;
  }
  const cut = kind === 'logit' ? 0 : 0.5;
  for (let i = 0; i < o.length && i < t.length; i++) if ((o[i] > cut ? 1 : 0) === (t[i] > 0.5 ? 1 : 0)) correct++;
  return correct;
}
