// torch.optim.RMSprop (1.13 single-tensor code), element by element: a running mean of squared gradients
// (optionally centred by the running mean of gradients) divides the step; momentum accumulates the ratio.
// Cheap elementwise work, so it stays in TypeScript rather than becoming a kernel. Buffers are read back after
// each store so that every intermediate PyTorch keeps as a float32 tensor is float32 here too.
import type { Parameter } from '../nn/parameter';
import { requireNonNegative } from './errors';
import { Optimizer } from './optimizer';
import type { BaseHyper, ParamGroup, ParamsArg } from './types';
import { residentFloat32 } from '../storage';
import { optimizerSignature } from './signatures';

const rMSpropArgs = optimizerSignature('RMSprop', ['params', 'lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'capturable', 'foreach', 'maximize', 'differentiable'], []);

export interface RMSpropHyper extends BaseHyper {
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}
export type RMSpropOptions = Partial<RMSpropHyper>;
export type RMSpropState = { step: number; square_avg: Float32Array; momentum_buffer?: Float32Array; grad_avg?: Float32Array };

export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  constructor(params: ParamsArg<RMSpropHyper>, options?: RMSpropOptions);
  constructor(params: ParamsArg<RMSpropHyper>, lr?: number, alpha?: number, eps?: number, weight_decay?: number, momentum?: number, centered?: boolean, options?: RMSpropOptions);
  constructor(...args: unknown[]) {
    const bound = rMSpropArgs(args);
    const params = bound.params as ParamsArg<RMSpropHyper>;
    const options = bound.options as RMSpropOptions;
    super(params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(h: Partial<RMSpropHyper>): void {
    requireNonNegative(h.lr, 'learning rate');
    requireNonNegative(h.eps, 'epsilon value');
    requireNonNegative(h.momentum, 'momentum value');
    requireNonNegative(h.weight_decay, 'weight_decay value');
    requireNonNegative(h.alpha, 'alpha value');
  }

  protected update(p: Parameter, grad: Float32Array, g: ParamGroup & RMSpropHyper, state: RMSpropState | undefined): RMSpropState {
    const n = p.data.length;
    const st = state ?? { step: 0, square_avg: residentFloat32(n) };
    const { lr, alpha, eps, weight_decay: wd, momentum, centered } = g;
    if (momentum > 0 && !st.momentum_buffer) st.momentum_buffer = residentFloat32(n);
    if (centered && !st.grad_avg) st.grad_avg = residentFloat32(n);
    st.step += 1;
    const param = p.data;
    const sq = st.square_avg;
    const ga = centered ? (st.grad_avg as Float32Array) : null;
    const buf = momentum > 0 ? (st.momentum_buffer as Float32Array) : null;
    for (let i = 0; i < n; i++) {
      const gi = wd !== 0 ? Math.fround(grad[i] + wd * param[i]) : grad[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
      let avg: number;
      if (ga) {
        ga[i] = alpha * ga[i] + (1 - alpha) * gi;
        avg = Math.sqrt(Math.fround(sq[i] - ga[i] * ga[i]));
      } else {
        avg = Math.sqrt(sq[i]);
      }
      avg = Math.fround(Math.fround(avg) + eps);
      if (buf) {
        buf[i] = momentum * buf[i] + gi / avg;
        param[i] -= lr * buf[i];
      } else {
        param[i] -= (lr * gi) / avg;
      }
    }
    return st;
  }
}
