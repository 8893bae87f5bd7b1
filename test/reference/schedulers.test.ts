// Learning-rate schedulers against PyTorch 1.13 (test/fixtures/schedulers.json): the lr right after construction
// and after each of 20 optimizer.step(); scheduler.step() pairs, through get_last_lr() and param_groups[0].lr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, optim, zeros, type Tensor } from '../../engine/index';
import { loadFixture, type ArgJson } from './fixtures';

interface SchedulerCase {
  name: string;
  scheduler: string;
  args: ArgJson[];
  kwargs: Record<string, ArgJson>;
  optimizer: string;
  optimizer_kwargs: Record<string, ArgJson>;
  lrs: number[];
  momenta?: number[];
}

interface Optimizer {
  step(): void;
  param_groups: Array<{ lr: number; momentum?: number; betas?: [number, number] }>;
}
interface Scheduler {
  step(): void;
  get_last_lr(): number[];
}
type OptimizerCtor = new (params: Tensor[], opts: Record<string, ArgJson>) => Optimizer;
type SchedulerCtor = new (opt: Optimizer, ...args: unknown[]) => Scheduler;

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(b);

const fixture = loadFixture<SchedulerCase>('schedulers.json');

for (const c of fixture.cases) {
  test(`schedulers/${c.name}`, () => {
    const optCtor = (optim as unknown as Record<string, OptimizerCtor | undefined>)[c.optimizer];
    const schedCtor = (optim.lr_scheduler as unknown as Record<string, SchedulerCtor | undefined>)[c.scheduler];
    if (typeof optCtor !== 'function') throw new Error(`optim.${c.optimizer} is not exported`);
    if (typeof schedCtor !== 'function') throw new Error(`optim.lr_scheduler.${c.scheduler} is not exported`);
    const p = new nn.Parameter(zeros([2]));
    const opt = new optCtor([p], { ...c.optimizer_kwargs });
    const args: unknown[] = [...c.args];
    if (Object.keys(c.kwargs).length > 0) args.push({ ...c.kwargs });
    const sched = new schedCtor(opt, ...args);
    // OneCycleLR also cycles the momentum (SGD's momentum, Adam's beta1) inversely to the lr, as PyTorch does.
    const momentum = (): number | undefined => opt.param_groups[0].momentum ?? opt.param_groups[0].betas?.[0];
    const gotMomenta: Array<number | undefined> = [momentum()];
    const got: number[] = [sched.get_last_lr()[0]];
    for (let s = 0; s < c.lrs.length - 1; s++) {
      p.grad = zeros([2]);
      opt.step();
      sched.step();
      got.push(sched.get_last_lr()[0]);
      gotMomenta.push(momentum());
      assert.ok(close(opt.param_groups[0].lr, got[got.length - 1]), `${c.name}: param_groups[0].lr differs from get_last_lr() after step ${s + 1}`);
    }
    const bad = got.findIndex((v, i) => !close(v, c.lrs[i]));
    assert.equal(bad, -1, `${c.name}: lr after ${bad} steps is ${got[bad]}, PyTorch ${c.lrs[bad]}\n got ${got.join(', ')}\n torch ${c.lrs.join(', ')}`);
    if (c.momenta) {
      const m = c.momenta;
      const badM = gotMomenta.findIndex((v, i) => v === undefined || !close(v, m[i]));
      assert.equal(badM, -1, `${c.name}: momentum after ${badM} steps is ${gotMomenta[badM]}, PyTorch ${m[badM]}\n got ${gotMomenta.join(', ')}\n torch ${m.join(', ')}`);
    }
  });
}
