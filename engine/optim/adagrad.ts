// torch.optim.Adagrad (dense gradients): a per-element sum of squared gradients divides the step, and the
// learning rate decays as lr / (1 + (step - 1) * lr_decay). Elementwise, so written here rather than as a kernel.
import type { Parameter } from '../nn/parameter';
import { requireNonNegative } from './errors';
import { Optimizer } from './optimizer';
import type { BaseHyper, ParamGroup, ParamsArg } from './types';
import { residentFloat32 } from '../storage';
import { optimizerSignature } from './signatures';

const adagradArgs = optimizerSignature('Adagrad', ['params', 'lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'foreach'], ['maximize', 'differentiable', 'fused']);

export interface AdagradHyper extends BaseHyper {
  lr_decay: number;
  weight_decay: number;
  initial_accumulator_value: number;
  eps: number;
  maximize: boolean;
}
export type AdagradOptions = Partial<AdagradHyper>;
export type AdagradState = { step: number; sum: Float32Array };

export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  constructor(params: ParamsArg<AdagradHyper>, options?: AdagradOptions);
  constructor(params: ParamsArg<AdagradHyper>, lr?: number, lr_decay?: number, weight_decay?: number, initial_accumulator_value?: number, eps?: number, options?: AdagradOptions);
  constructor(...args: unknown[]) {
    const bound = adagradArgs(args);
    const params = bound.params as ParamsArg<AdagradHyper>;
    const options = bound.options as AdagradOptions;
    super(params, {
      lr: options.lr ?? 1e-2,
      lr_decay: options.lr_decay ?? 0,
      weight_decay: options.weight_decay ?? 0,
      initial_accumulator_value: options.initial_accumulator_value ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
    // Like PyTorch, the state exists from construction (state_dict shows it before the first step).
    for (const g of this.param_groups) for (const p of g.params) this.state.set(p, Adagrad.initialState(p, g));
  }

  private static initialState(p: Parameter, g: AdagradHyper): AdagradState {
    const sum = residentFloat32(p.data.length);
    if (g.initial_accumulator_value !== 0) sum.fill(g.initial_accumulator_value);
    return { step: 0, sum };
  }

  protected validate(h: Partial<AdagradHyper>): void {
    requireNonNegative(h.lr, 'learning rate');
    requireNonNegative(h.lr_decay, 'lr_decay value');
    requireNonNegative(h.weight_decay, 'weight_decay value');
    requireNonNegative(h.initial_accumulator_value, 'initial_accumulator_value value');
    requireNonNegative(h.eps, 'epsilon value');
  }

  protected update(p: Parameter, grad: Float32Array, g: ParamGroup & AdagradHyper, state: AdagradState | undefined): AdagradState {
    // Groups added after construction get their state on first use.
    const st = state ?? Adagrad.initialState(p, g);
    st.step += 1;
    const clr = g.lr / (1 + (st.step - 1) * g.lr_decay);
    const { weight_decay: wd, eps } = g;
    const param = p.data;
    const sum = st.sum;
    for (let i = 0; i < param.length; i++) {
      const gi = wd !== 0 ? Math.fround(grad[i] + wd * param[i]) : grad[i];
      sum[i] += gi * gi;
      const std = Math.fround(Math.fround(Math.sqrt(sum[i])) + eps);
      param[i] -= (clr * gi) / std;
    }
    return st;
  }
}
