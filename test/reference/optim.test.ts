// Every optimizer against PyTorch 1.13 (test/fixtures/optim.json): two parameters, three steps with fixed
// gradients (the third ten times smaller, so momentum, AMSGrad's running maximum and centred averages matter),
// parameters compared after each step. Also clip_grad_norm_ (returned norm and clipped gradients) and clip_grad_value_.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, type Tensor } from '../../engine/index';
import { LOOSE, TIGHT, assertClose, loadFixture, toTensor, type ArgJson, type TensorJson } from './fixtures';

interface OptimCase {
  name: string;
  optimizer?: string;
  kwargs?: Record<string, ArgJson>;
  params: TensorJson[];
  grads: TensorJson[][] | TensorJson[];
  params_after?: TensorJson[][];
  fn?: 'clip_grad_norm_' | 'clip_grad_value_';
  arg?: number;
  grads_after?: TensorJson[];
  total_norm?: number;
}

interface StepOptimizer {
  step(): void;
  zero_grad(): void;
}
type OptimizerCtor = new (params: Tensor[], opts?: Record<string, ArgJson>) => StepOptimizer;

const fixture = loadFixture<OptimCase>('optim.json');
// optim_ported.json: the optimizers added for ported PyTorch scripts (issue 21), same format.
fixture.cases.push(...loadFixture<OptimCase>('optim_ported.json').cases);

const parameters = (ts: TensorJson[]): Tensor[] => ts.map((t) => new nn.Parameter(toTensor(t)));

for (const c of fixture.cases) {
  if (c.optimizer) {
    const name = c.optimizer;
    test(`optim/${c.name}`, () => {
      const ctor = (optim as unknown as Record<string, OptimizerCtor | undefined>)[name];
      if (typeof ctor !== 'function') throw new Error(`optim.${name} is not exported by the engine`);
      const params = parameters(c.params);
      const opt = Object.keys(c.kwargs ?? {}).length > 0 ? new ctor(params, { ...c.kwargs }) : new ctor(params);
      const steps = c.grads as TensorJson[][];
      steps.forEach((grads, s) => {
        opt.zero_grad();
        params.forEach((p, i) => {
          p.grad = toTensor(grads[i]);
        });
        opt.step();
        params.forEach((p, i) => assertClose(`${c.name}: param ${i} after step ${s + 1}`, p, c.params_after![s][i], LOOSE));
      });
    });
  } else {
    test(`optim/${c.name}`, () => {
      const params = parameters(c.params);
      (c.grads as TensorJson[]).forEach((g, i) => {
        params[i].grad = toTensor(g);
      });
      if (c.fn === 'clip_grad_norm_') {
        const norm = nn.utils.clip_grad_norm_(params, c.arg!);
        const value = typeof norm === 'number' ? norm : (norm as Tensor).item();
        assert.ok(Math.abs(value - c.total_norm!) <= 1e-5 * c.total_norm!, `${c.name}: total norm ${value}, PyTorch ${c.total_norm}`);
      } else {
        nn.utils.clip_grad_value_(params, c.arg!);
      }
      params.forEach((p, i) => assertClose(`${c.name}: grad ${i} after clipping`, p.grad, c.grads_after![i], TIGHT));
    });
  }
}
