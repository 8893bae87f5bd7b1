// LambdaLR (lr = initial_lr * f(epoch)) and MultiplicativeLR (lr *= f(epoch)), one function per group or one
// for all.
import { ValueError } from '../errors';
import { LRScheduler, type SchedulableOptimizer } from './scheduler';
import { lambdaLRArgs, multiplicativeLRArgs } from './signatures';

export type LrLambda = (epoch: number) => number;

function lambdasFor(optimizer: SchedulableOptimizer, f: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.param_groups.length;
  if (typeof f === 'function') return new Array<LrLambda>(n).fill(f);
  if (f.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${f.length}`);
  return f.slice();
}

export class LambdaLR extends LRScheduler {
  // Functions are left out of state_dict, as PyTorch leaves out the lambdas.
  private readonly lr_lambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | readonly LrLambda[], options?: { last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, options: { lr_lambda: LrLambda | readonly LrLambda[]; last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | readonly LrLambda[], last_epoch?: number, options?: { last_epoch?: number });
  constructor(...args: unknown[]) {
    const a = lambdaLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const lr_lambda = a.lr_lambda as LrLambda | readonly LrLambda[];
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.lr_lambdas = lambdasFor(optimizer, lr_lambda);
    this._initial_step();
  }

  get_lr(): number[] {
    return this.base_lrs.map((base, i) => base * this.lr_lambdas[i](this.last_epoch));
  }
}

export class MultiplicativeLR extends LRScheduler {
  private readonly lr_lambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | readonly LrLambda[], options?: { last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, options: { lr_lambda: LrLambda | readonly LrLambda[]; last_epoch?: number });
  constructor(optimizer: SchedulableOptimizer, lr_lambda: LrLambda | readonly LrLambda[], last_epoch?: number, options?: { last_epoch?: number });
  constructor(...args: unknown[]) {
    const a = multiplicativeLRArgs(args);
    const optimizer = a.optimizer as SchedulableOptimizer;
    const lr_lambda = a.lr_lambda as LrLambda | readonly LrLambda[];
    const options = a;
    super(optimizer, options.last_epoch ?? -1);
    this.lr_lambdas = lambdasFor(optimizer, lr_lambda);
    this._initial_step();
  }

  get_lr(): number[] {
    const groups = this.groups();
    if (this.last_epoch > 0) return groups.map((g, i) => g.lr * this.lr_lambdas[i](this.last_epoch));
    return groups.map((g) => g.lr);
  }
}
