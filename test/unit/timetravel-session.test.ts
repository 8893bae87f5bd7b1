// Time travel in a loop Gradlens does not own: a user's script (dropout, a shuffled loader, Adam, StepLR) run by a
// RunSession in-process with a scripted host. Step Back restores between two steps and the user's `for ... of`
// receives the restored batch next; the run then ends bit for bit as one that never went back. --recover rolls a
// script past a batch of infinities. The user's own counters do not rewind (docs/time-travel.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineMessage, EngineMessageOf, HostCommand, StartOptions } from '../../protocol/messages';
import { DataLoader, manual_seed, nn, optim, randn, Tensor, TensorDataset } from '../../engine';
import { RunSession } from '../../engine/train/session';
import { sameBits, type Command } from './timetravel-loop';

const FILE = '/work/loop.ts';
const where = { definition: { file: FILE, line: 1, column: 1 }, data: { file: FILE, line: 1, column: 1 } };

function scriptedHost(whenPaused: Command[][] = []) {
  const sent: EngineMessage[] = [];
  let seq = 0;
  return {
    sent,
    emit: (m: EngineMessage) => sent.push(m),
    poll: (): HostCommand[] => [],
    wait: (): HostCommand[] => {
      const next = whenPaused.shift();
      if (!next) throw new Error('paused with no command left in the script');
      return next.map((c) => ({ ...c, seq: ++seq }) as HostCommand);
    },
    of: <T extends EngineMessage['type']>(type: T) => sent.filter((m): m is EngineMessageOf<T> => m.type === type),
  };
}

/** 2 epochs of 8 shuffled batches; `infiniteSample` makes one sample all +Inf (a NaN loss on its batch). */
function userScript(infiniteSample?: number): { weights: () => Float32Array[]; losses: number[]; run: () => void } {
  const losses: number[] = [];
  let model: nn.Sequential | undefined;
  return {
    losses,
    weights: () => (model ? model.parameters().map((p) => p.data.slice()) : []),
    run: () => {
      manual_seed(3);
      const x = randn([64, 4]);
      if (infiniteSample !== undefined) x.data.fill(Infinity, infiniteSample * 4, infiniteSample * 4 + 4);
      const y = new Tensor(Float32Array.from({ length: 64 }, (_, i) => i % 3), [64]);
      const loader = new DataLoader(new TensorDataset(x, y), { batch_size: 8, shuffle: true, seed: 0 });
      model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 3));
      const lossFn = new nn.CrossEntropyLoss();
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
      const scheduler = new optim.lr_scheduler.StepLR(optimizer, 4, 0.5);
      for (let epoch = 0; epoch < 2; epoch++) {
        for (const [inputs, targets] of loader) {
          optimizer.zero_grad();
          const loss = lossFn(model(inputs), targets);
          losses.push(loss.item());
          loss.backward();
          optimizer.step();
          scheduler.step();
        }
      }
    },
  };
}

function run(options: Partial<StartOptions>, script: Command[][] = [], infiniteSample?: number) {
  const host = scriptedHost(script);
  const user = userScript(infiniteSample);
  const end = new RunSession(host, { modelFile: FILE, options: { modelFile: FILE, ...options }, where }).run(user.run);
  return { host, user, end };
}

test("Step Back in a user's script: back before step 10 from step 11, then the run ends as if it never went back", () => {
  const ref = run({});
  const back = run({ stopOnEntry: true }, [[{ type: 'step', unit: 'batch', count: 11 }], [{ type: 'stepBack' }], [{ type: 'evaluate', expression: 'lr' }, { type: 'resume' }]]);
  assert.equal(back.end, 'completed');
  assert.deepEqual(back.host.of('paused').map((p) => p.step), [0, 11, 10]);
  const [tt] = back.host.of('timeTravel');
  assert.deepEqual([tt.event.kind, tt.event.fromStep, tt.event.toStep, tt.event.snapshotStep], ['stepBack', 11, 10, 10]);
  const refLoss = new Map(ref.host.of('step').map((s) => [s.step, s.loss]));
  const steps = back.host.of('step');
  assert.deepEqual(steps.map((s) => s.step), [...Array(11).keys(), ...Array.from({ length: 6 }, (_, i) => 10 + i)]);
  for (const s of steps) assert.ok(Object.is(s.loss, refLoss.get(s.step)), `step ${s.step}`);
  assert.deepEqual(steps.map((s) => s.lr), ref.host.of('step').map((s) => s.lr).filter((_, i) => i <= 10).concat(ref.host.of('step').slice(10).map((s) => s.lr)), "the scheduler's rate went back too");
  assert.ok(sameBits(back.user.weights(), ref.user.weights()));
  // The user's own list saw step 11 run (left silently) and then steps 10 on again: a script's counters do not rewind.
  assert.equal(back.user.losses.length, ref.user.losses.length + 2);
  assert.deepEqual(back.host.of('epoch').map((e) => e.step), ref.host.of('epoch').map((e) => e.step));
});

test('--recover nonFinite in a script: the batch of infinities is rolled back and left out, and the run completes finite', () => {
  const derailed = run({}, [], 20);
  assert.ok(derailed.user.weights().some((w) => w.some((v) => !Number.isFinite(v))));
  const rec = run({ recover: ['nonFinite', 'lossSpike'] }, [], 20);
  assert.equal(rec.end, 'completed');
  assert.ok(rec.user.weights().every((w) => w.every(Number.isFinite)));
  // The sample is in both epochs: each epoch's batch holding it is left out (one fewer step in each).
  const events = rec.host.of('timeTravel').map((m) => m.event);
  assert.deepEqual(events.map((e) => [e.kind, e.anomaly, e.toStep, e.skipped?.[0].epoch]), [['recover', 'nonFinite', 7, 0], ['recover', 'nonFinite', 11, 1]]);
  assert.equal(rec.host.of('step').at(-1)?.step, 13);
  assert.deepEqual(rec.host.of('epoch').map((e) => [e.epoch, e.step]), [[0, 7], [1, 14]], 'each epoch ends once, at its shorter length');
});

test('going back stays within the epoch: from its second step, the step before is refused; from its third, it works', () => {
  const ref = run({});
  const back = run({ stopOnEntry: true }, [
    [{ type: 'step', unit: 'batch', count: 9 }],
    [{ type: 'stepBack' }, { type: 'step', unit: 'batch', count: 1 }],
    [{ type: 'stepBack' }],
    [{ type: 'resume' }],
  ]);
  const failures = back.host.of('response').filter((r) => !r.success).map((r) => r.error?.message);
  assert.equal(failures.length, 1);
  assert.match(failures[0] ?? '', /stays within this epoch \(1\).*step 8's snapshot is from epoch 0/);
  const [tt] = back.host.of('timeTravel');
  assert.deepEqual([tt.event.fromStep, tt.event.toStep, tt.event.snapshotStep], [10, 9, 9], "the snapshot after the epoch's first step");
  assert.deepEqual(back.host.of('epoch').map((e) => [e.epoch, e.step, e.train.loss]), ref.host.of('epoch').map((e) => [e.epoch, e.step, e.train.loss]));
  assert.ok(sameBits(back.user.weights(), ref.user.weights()));
});
