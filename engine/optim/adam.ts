// torch.optim.Adam and AdamW through the AdamUpdate kernel. They differ only in how weight decay is applied:
// Adam adds it to the gradient (L2), AdamW shrinks the weights directly (decoupled) and defaults it to 1e-2.
import type { Parameter } from '../nn/parameter';
import { runKernel } from '../kernels/registry';
import { ValueError, requireNonNegative } from './errors';
import { Optimizer } from './optimizer';
import type { BaseHyper, ParamGroup, ParamsArg } from './types';
import { residentFloat32 } from '../storage';
import { optimizerSignature } from './signatures';

const adamArgs = optimizerSignature('Adam', ['params', 'lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], ['foreach', 'maximize', 'capturable', 'differentiable', 'fused']);
const adamWArgs = optimizerSignature('AdamW', ['params', 'lr', 'betas', 'eps', 'weight_decay', 'amsgrad'], ['maximize', 'foreach', 'capturable', 'differentiable', 'fused']);

export interface AdamHyper extends BaseHyper {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
}
export type AdamOptions = Partial<Omit<AdamHyper, 'betas'>> & { betas?: readonly [number, number] | readonly number[] };
export type AdamState = { step: number; exp_avg: Float32Array; exp_avg_sq: Float32Array; max_exp_avg_sq?: Float32Array };

abstract class AdamFamily extends Optimizer<AdamHyper, AdamState> {
  protected constructor(
    params: ParamsArg<AdamHyper>,
    options: AdamOptions,
    weightDecayDefault: number,
    /** AdamW's decoupled weight decay (param *= 1 - lr * wd) instead of Adam's L2 term in the gradient. */
    protected readonly decoupled: boolean,
  ) {
    const betas = options.betas ?? [0.9, 0.999];
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: [betas[0], betas[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? weightDecayDefault,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(h: Partial<AdamHyper>): void {
    requireNonNegative(h.lr, 'learning rate');
    requireNonNegative(h.eps, 'epsilon value');
    if (h.betas !== undefined) {
      h.betas.forEach((b, i) => {
        if (!(b >= 0 && b < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${b}`);
      });
    }
    requireNonNegative(h.weight_decay, 'weight_decay value');
  }

  protected update(p: Parameter, grad: Float32Array, g: ParamGroup & AdamHyper, state: AdamState | undefined): AdamState {
    const n = p.data.length;
    const st = state ?? { step: 0, exp_avg: residentFloat32(n), exp_avg_sq: residentFloat32(n) };
    // PyTorch allocates max_exp_avg_sq only for amsgrad groups; it is created here if amsgrad is switched on later.
    if (g.amsgrad && !st.max_exp_avg_sq) st.max_exp_avg_sq = residentFloat32(n);
    st.step += 1;
    runKernel('AdamUpdate', p.data, grad, st.exp_avg, st.exp_avg_sq, g.amsgrad ? (st.max_exp_avg_sq ?? null) : null, {
      lr: g.lr,
      beta1: g.betas[0],
      beta2: g.betas[1],
      eps: g.eps,
      weightDecay: g.weight_decay,
      decoupled: this.decoupled,
      amsgrad: g.amsgrad,
      step: st.step,
    });
    return st;
  }
}

export class Adam extends AdamFamily {
  constructor(params: ParamsArg<AdamHyper>, options?: AdamOptions);
  constructor(params: ParamsArg<AdamHyper>, lr?: number, betas?: readonly [number, number], eps?: number, weight_decay?: number, amsgrad?: boolean, options?: AdamOptions);
  constructor(...args: unknown[]) {
    const bound = adamArgs(args);
    const params = bound.params as ParamsArg<AdamHyper>;
    const options = bound.options as AdamOptions;
    super(params, options, 0, false);
  }
}

export class AdamW extends AdamFamily {
  constructor(params: ParamsArg<AdamHyper>, options?: AdamOptions);
  constructor(params: ParamsArg<AdamHyper>, lr?: number, betas?: readonly [number, number], eps?: number, weight_decay?: number, amsgrad?: boolean, options?: AdamOptions);
  constructor(...args: unknown[]) {
    const bound = adamWArgs(args);
    const params = bound.params as ParamsArg<AdamHyper>;
    const options = bound.options as AdamOptions;
    super(params, options, 1e-2, true);
  }
}
