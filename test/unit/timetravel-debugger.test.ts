// Time travel through the debugger: Step Back, Reverse Continue, skip this batch, scale the learning rate and
// unattended recovery, driven through the controller's hook points by a loop written as a user writes one
// (timetravel-loop.ts). Replays must reproduce the original steps bit for bit, and what moved is in the record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineMessageOf } from '../../protocol/messages';
import { runLoop, sameBits, spikeAt } from './timetravel-loop';

const losses = (steps: EngineMessageOf<'step'>[]): Map<number, number> => new Map(steps.map((s) => [s.step, s.loss]));

test('Step Back from a stop before step 7 pauses before step 6, and the run then goes on bit for bit as before', () => {
  const ref = runLoop({}, []);
  const refLoss = losses(ref.host.of('step'));
  const run = runLoop({ stopOnEntry: true, snapshots: { every: 5, depth: 4 } }, [
    [{ type: 'step', unit: 'batch', count: 7 }],
    [{ type: 'evaluate', expression: 'step' }, { type: 'stepBack' }],
    [{ type: 'evaluate', expression: 'step' }, { type: 'resume' }],
  ]);
  assert.deepEqual(run.host.failures(), []);
  const paused = run.host.of('paused');
  assert.deepEqual(paused.map((p) => p.step), [0, 7, 6]);
  assert.match(paused[2].description, /Back at step 6.*Step Back/);
  const answers = run.host.of('response').filter((r) => r.body && typeof r.body === 'object' && 'result' in r.body).map((r) => (r.body as { result: string }).result);
  assert.deepEqual(answers, ['7', '6'], 'the loop\'s step counter went back');
  const [tt] = run.host.of('timeTravel');
  assert.equal(tt.event.kind, 'stepBack');
  assert.deepEqual([tt.event.fromStep, tt.event.toStep, tt.event.snapshotStep], [7, 6, 5]);
  assert.ok(tt.event.snapshots && tt.event.snapshots.bytes > 0 && tt.event.snapshots.every === 5);
  // Step 7 was left (silently) and step 5 replayed silently: step 6 appears again after the timeTravel message.
  const steps = run.host.of('step').map((s) => s.step);
  assert.deepEqual(steps, [0, 1, 2, 3, 4, 5, 6, ...Array.from({ length: 14 }, (_, i) => 6 + i)]);
  for (const s of run.host.of('step')) assert.ok(Object.is(s.loss, refLoss.get(s.step)), `step ${s.step}`);
  assert.ok(sameBits(run.weights, ref.weights), 'final weights as without going back');
});

test('Reverse Continue goes back to before the step of the last anomaly stop, which stops there again', () => {
  const ref = runLoop({}, [], { inject: (s) => (s === 9 ? [spikeAt(9)] : []) });
  const run = runLoop(
    { breakOn: [{ kind: 'lossSpike' }] },
    [[{ type: 'step', unit: 'batch', count: 2 }], [{ type: 'reverseContinue' }], [{ type: 'resume' }], [{ type: 'resume' }]],
    { inject: (s) => (s === 9 ? [spikeAt(9)] : []) },
  );
  assert.deepEqual(run.host.failures(), []);
  const paused = run.host.of('paused');
  assert.deepEqual(paused.map((p) => [p.step, p.reason]), [[9, 'anomaly'], [11, 'step'], [9, 'step'], [9, 'anomaly']]);
  assert.match(paused[2].description, /Reverse Continue/);
  assert.ok(sameBits(run.weights, ref.weights));
});

test('skip this batch: back to the start of the step, its batch left out, and the run goes on with the next', () => {
  let fired = false;
  const inject = (s: number) => (s === 9 && !fired ? ((fired = true), [spikeAt(9)]) : []);
  const run = runLoop({ breakOn: [{ kind: 'lossSpike' }] }, [[{ type: 'skipBatch' }]], { inject });
  assert.deepEqual(run.host.failures(), []);
  const [tt] = run.host.of('timeTravel');
  assert.equal(tt.event.kind, 'skipBatch');
  assert.deepEqual(tt.event.skipped, [{ epoch: 0, batch: 9 }]);
  assert.equal(tt.event.toStep, 9);
  const after = run.host.sent.slice(run.host.sent.indexOf(tt)).filter((m) => m.type === 'step') as EngineMessageOf<'step'>[];
  assert.deepEqual(after.slice(0, 3).map((s) => [s.step, s.batch]), [[9, 10], [10, 11], [11, 0]]);
  assert.equal(run.host.of('paused').length, 1, 'it continued');
});

test('halve the learning rate: from a step end it redoes the step at half the rate; before the update, at once', () => {
  const inject = (s: number) => (s === 9 ? [spikeAt(9)] : []);
  const end = runLoop({ breakOn: [{ kind: 'lossSpike' }] }, [[{ type: 'scaleLearningRate', factor: 0.5 }], [{ type: 'resume' }]], { inject });
  assert.deepEqual(end.host.failures(), []);
  const [tt] = end.host.of('timeTravel');
  assert.deepEqual([tt.event.kind, tt.event.toStep, tt.event.lrFactor], ['scaleLearningRate', 9, 0.5]);
  assert.ok(tt.event.snapshotStep !== undefined && tt.event.snapshotStep <= 9);
  const redo = end.host.of('step').filter((s) => s.step === 9);
  assert.deepEqual(redo.map((s) => s.lr), [0.05, 0.025]);
  assert.equal(end.lr, 0.025);

  const start = runLoop({ stopOnEntry: true }, [[{ type: 'step', unit: 'batch', count: 3 }], [{ type: 'scaleLearningRate', factor: 0.5 }]]);
  const [now] = start.host.of('timeTravel');
  assert.deepEqual([now.event.fromStep, now.event.toStep, now.event.snapshotStep], [3, 3, undefined]);
  assert.deepEqual(start.host.of('step').filter((s) => s.step >= 2 && s.step <= 3).map((s) => s.lr), [0.05, 0.025]);
});

test('--recover nonFinite: a batch with a NaN is rolled back and left out, and the run ends with finite weights', () => {
  const derailed = runLoop({}, [], { nanBatches: [5], steps: 14 });
  assert.ok(derailed.weights.some((w) => w.some((v) => Number.isNaN(v))), 'without recovery the bad batch ruins the weights');
  const run = runLoop({ recover: ['nonFinite'] }, [], { nanBatches: [5], steps: 14 });
  assert.ok(run.weights.every((w) => w.every(Number.isFinite)));
  const events = run.host.of('timeTravel').map((m) => m.event);
  assert.deepEqual(events.map((e) => [e.kind, e.anomaly, e.fromStep, e.toStep, e.snapshotStep]), [['recover', 'nonFinite', 5, 5, 1]]);
  assert.deepEqual(events[0].skipped, [{ epoch: 0, batch: 5 }]);
  assert.equal(run.host.of('step').filter((s) => Number.isNaN(s.loss)).length, 1, 'the bad step is in the record once');
  assert.equal(run.host.of('step').at(-1)?.step, 13, 'the run took all its steps');
});

test('recovery stops at its cap and says so', () => {
  const run = runLoop({ recover: ['nonFinite'], maxRecoveries: 1 }, [], { nanBatches: [5, 8], steps: 14 });
  assert.equal(run.host.of('timeTravel').length, 1);
  assert.ok(run.host.of('log').some((l) => l.level === 'warn' && /cap/.test(l.message)));
  assert.ok(run.weights.some((w) => w.some((v) => Number.isNaN(v))));
});

test('going back needs a step and a snapshot before it, and snapshots on', () => {
  const entry = runLoop({ stopOnEntry: true }, [[{ type: 'stepBack' }, { type: 'resume' }]], { steps: 3 });
  assert.match(entry.host.failures()[0], /first step/);
  const off = runLoop({ stopOnEntry: true, snapshots: false }, [[{ type: 'stepBack' }, { type: 'resume' }]], { steps: 3 });
  assert.match(off.host.failures()[0], /off/);
  // One snapshot kept, every 2 steps: from before step 9, the one before step 8 is there; from 8, none before 7.
  const shallow = runLoop({ stopOnEntry: true, snapshots: { every: 2, depth: 1 } }, [
    [{ type: 'step', unit: 'batch', count: 9 }],
    [{ type: 'reverseContinue' }, { type: 'stepBack' }],
    [{ type: 'stepBack' }, { type: 'resume' }],
  ], { steps: 12 });
  const fails = shallow.host.failures();
  assert.match(fails[0], /No anomaly or breakpoint stop/);
  assert.match(fails[1], /No snapshot at or before step 7: the oldest kept is before step 8/);
  assert.deepEqual(shallow.host.of('paused').map((p) => p.step), [0, 9, 8]);
});

test('trace this step: replayed from its snapshot and run with every op traced; the first non-finite op is named', () => {
  const run = runLoop({ breakOn: [{ kind: 'nonFinite' }] }, [[{ type: 'traceStep' }], [{ type: 'resume' }]], { nanBatches: [5], steps: 8 });
  assert.deepEqual(run.host.failures(), []);
  const [tt] = run.host.of('timeTravel');
  assert.deepEqual([tt.event.kind, tt.event.toStep, tt.event.snapshotStep], ['traceStep', 5, 1]);
  const [{ trace }] = run.host.of('stepTrace');
  assert.equal(trace.step, 5);
  assert.ok(trace.ops.length > 10 && trace.ops.some((o) => o.phase === 'backward'));
  assert.ok(trace.firstNonFinite !== undefined);
  const first = trace.ops[trace.firstNonFinite];
  assert.deepEqual([first.phase, first.layerId], ['forward', '0'], 'the first Linear meets the infinite sample');
  assert.ok(trace.ops.slice(0, trace.firstNonFinite).every((o) => o.nonFinite === 0));
  assert.deepEqual(trace.losses.map((l) => l.step), [1, 2, 3, 4, 5]);
  assert.deepEqual(trace.gradNorms.map((g) => g.layerId), ['0', '3']);
  assert.deepEqual(trace.gradNorms[0].norms.map((n) => n.step), [1, 2, 3, 4, 5]);
  // The paused anomaly stop comes after the trace: the traced step is the bad step again.
  assert.deepEqual(run.host.of('paused').map((p) => [p.step, p.reason]), [[5, 'anomaly'], [5, 'anomaly']]);
});

test("a traced replay shows the gradient norm jumping before the loss spike is declared", () => {
  const afterStep = (s: number, groups: Array<{ lr: number }>) => {
    if (s === 30) for (const g of groups) g.lr = 5;
  };
  const run = runLoop({ breakOn: [{ kind: 'lossSpike' }], snapshots: { every: 5, depth: 8 } }, [[{ type: 'traceStep' }], [{ type: 'resume' }]], { steps: 45, afterStep });
  const [spike] = run.host.of('paused');
  assert.equal(spike.reason, 'anomaly');
  const [{ trace }] = run.host.of('stepTrace');
  assert.equal(trace.step, spike.step);
  const jump = trace.gradJumps[0];
  assert.ok(jump, JSON.stringify(trace.gradNorms.map((g) => g.norms.map((n) => n.norm.toPrecision(2)))));
  assert.ok(jump.step > 30 && jump.step < spike.step, `gradient jump at ${jump.step}, loss spike declared at ${spike.step}`);
});
