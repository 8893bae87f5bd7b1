// torch.optim.SGD through the SgdUpdate kernel (CPU reference or the WASM backend): weight decay joins the
// gradient, momentum keeps a buffer that starts as the first (decayed) gradient, Nesterov looks ahead.
import type { Parameter } from '../nn/parameter';
import { runKernel } from '../kernels/registry';
import { ValueError, requireNonNegative } from './errors';
import { Optimizer } from './optimizer';
import type { BaseHyper, ParamGroup, ParamsArg } from './types';
import { residentFloat32 } from '../storage';
import { optimizerSignature } from './signatures';

const sGDArgs = optimizerSignature('SGD', ['params', 'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'], ['maximize', 'foreach', 'differentiable', 'fused']);

export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}
export type SGDOptions = Partial<SGDHyper>;
/** PyTorch keeps momentum_buffer = None until momentum is used. */
export type SGDState = { momentum_buffer: Float32Array | null };

export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(params: ParamsArg<SGDHyper>, options?: SGDOptions);
  constructor(params: ParamsArg<SGDHyper>, lr?: number, momentum?: number, dampening?: number, weight_decay?: number, nesterov?: boolean, options?: SGDOptions);
  constructor(...args: unknown[]) {
    const bound = sGDArgs(args);
    const params = bound.params as ParamsArg<SGDHyper>;
    const options = bound.options as SGDOptions;
    super(params, {
      // lr has no default in PyTorch's SGD: every group must then name one.
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weight_decay: options.weight_decay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(h: Partial<SGDHyper>): void {
    requireNonNegative(h.lr, 'learning rate');
    requireNonNegative(h.momentum, 'momentum value');
    requireNonNegative(h.weight_decay, 'weight_decay value');
    if (h.nesterov && ((h.momentum ?? 0) <= 0 || (h.dampening ?? 0) !== 0)) {
      throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected update(p: Parameter, grad: Float32Array, g: ParamGroup & SGDHyper, state: SGDState | undefined): SGDState {
    let buf = state?.momentum_buffer ?? null;
    const firstStep = g.momentum !== 0 && buf === null;
    if (firstStep) buf = residentFloat32(p.data.length);
    runKernel('SgdUpdate', p.data, grad, g.momentum !== 0 ? buf : null, {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      weightDecay: g.weight_decay,
      nesterov: g.nesterov,
      firstStep,
    });
    return { momentum_buffer: buf };
  }
}
