// torch.optim's constructor signatures in PyTorch's order (signature.ts binds them). The hyperparameters are taken
// as given and checked by each optimizer's validate(), which keeps PyTorch's messages ('Invalid learning rate: x').
// PyTorch's implementation switches (foreach, fused, capturable, differentiable) accept only their defaults.
import { P, signature, type Param } from '../signature';

const switchOff = P.unsupported('an implementation switch Gradlens does not have', false).opt();
const SWITCHES = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

function spec(names: readonly string[]): Record<string, Param<unknown>> {
  return Object.fromEntries(names.map((n) => [n, n === 'params' ? P.any.req() : SWITCHES.has(n) ? switchOff : P.any.opt()]));
}

/** The binder for an optimizer: its positional names (params first) and its keyword-only names. */
export function optimizerSignature(name: string, positional: readonly string[], keywordOnly: readonly string[]) {
  const bind = signature(`optim.${name}`, spec(positional), spec(keywordOnly));
  return (args: readonly unknown[]): { params: unknown; options: Record<string, unknown> } => {
    const { params, ...options } = bind(args);
    return { params, options };
  };
}
