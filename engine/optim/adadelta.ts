// torch.optim.Adadelta (1.13 single-tensor code), element by element: running means of squared gradients and of
// squared updates set a per-element step, so lr (1.0 by default) only scales it. Cheap elementwise work, so it
// stays in TypeScript; every intermediate PyTorch keeps as a float32 tensor is rounded to float32 here too.
import type { Parameter } from '../nn/parameter';
import { ValueError, requireNonNegative } from './errors';
import { Optimizer } from './optimizer';
import type { BaseHyper, ParamGroup, ParamsArg } from './types';
import { residentFloat32 } from '../storage';
import { optimizerSignature } from './signatures';

const adadeltaArgs = optimizerSignature('Adadelta', ['params', 'lr', 'rho', 'eps', 'weight_decay', 'foreach'], ['capturable', 'maximize', 'differentiable']);

export interface AdadeltaHyper extends BaseHyper {
  rho: number;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}
export type AdadeltaOptions = Partial<AdadeltaHyper>;
export type AdadeltaState = { step: number; square_avg: Float32Array; acc_delta: Float32Array };

const f = Math.fround;

export class Adadelta extends Optimizer<AdadeltaHyper, AdadeltaState> {
  constructor(params: ParamsArg<AdadeltaHyper>, options?: AdadeltaOptions);
  constructor(params: ParamsArg<AdadeltaHyper>, lr?: number, rho?: number, eps?: number, weight_decay?: number, options?: AdadeltaOptions);
  constructor(...args: unknown[]) {
    const bound = adadeltaArgs(args);
    const options = bound.options as AdadeltaOptions;
    super(bound.params as ParamsArg<AdadeltaHyper>, {
      lr: options.lr ?? 1,
      rho: options.rho ?? 0.9,
      eps: options.eps ?? 1e-6,
      weight_decay: options.weight_decay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(h: Partial<AdadeltaHyper>): void {
    requireNonNegative(h.lr, 'learning rate');
    if (h.rho !== undefined && !(h.rho >= 0 && h.rho <= 1)) throw new ValueError(`Invalid rho value: ${h.rho}`);
    requireNonNegative(h.eps, 'epsilon value');
    requireNonNegative(h.weight_decay, 'weight_decay value');
  }

  protected update(p: Parameter, grad: Float32Array, g: ParamGroup & AdadeltaHyper, state: AdadeltaState | undefined): AdadeltaState {
    const n = p.data.length;
    const st = state ?? { step: 0, square_avg: residentFloat32(n), acc_delta: residentFloat32(n) };
    const { lr, rho, eps, weight_decay: wd } = g;
    st.step += 1;
    const param = p.data;
    const sq = st.square_avg;
    const acc = st.acc_delta;
    for (let i = 0; i < n; i++) {
      const gi = wd !== 0 ? f(grad[i] + wd * param[i]) : grad[i];
      sq[i] = f(sq[i] * rho) + (1 - rho) * gi * gi;
      const std = f(Math.sqrt(f(sq[i] + eps)));
      const delta = f(f(f(Math.sqrt(f(acc[i] + eps))) / std) * gi);
      acc[i] = f(acc[i] * rho) + (1 - rho) * delta * delta;
      param[i] -= lr * delta;
    }
    return st;
  }
}
