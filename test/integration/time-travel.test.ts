// Time travel through the real engine child (defineTraining's loop and a user's script, the wasm backend as
// chosen): stopped on a loss spike, Step Back returns to the start of the spiking step and running on hits the same
// spike, bit for bit; skip this batch goes on; the run record has each move. `gradlens train --recover nonFinite`
// finishes a script that a batch of infinities derails without it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineMessageOf } from '../../protocol/messages';
import { cli, FIXTURES, killAll, launch, ofType, waitFor } from './harness';

after(killAll);

const isPaused = (m: { type: string }): m is EngineMessageOf<'paused'> => m.type === 'paused';

test('stopped on a loss spike: Step Back, run on to the same spike, trace it, skip its batch; the record has the moves', async () => {
  const { client, messages } = await launch();
  let paused = waitFor(client, isPaused, 60_000);
  await client.start({ modelFile: path.join(FIXTURES, 'spike-onstep.ts'), breakOn: [{ kind: 'lossSpike' }], maxSteps: 150 });
  const spike = await paused;
  assert.equal(spike.reason, 'anomaly');
  const a = spike.step;
  const lossAt = (step: number) => ofType(messages, 'step').filter((s) => s.step === step).map((s) => s.loss);

  paused = waitFor(client, isPaused, 60_000);
  await client.request({ type: 'stepBack' });
  const back = await paused;
  assert.equal(back.step, a);
  assert.equal(back.reason, 'step');
  assert.match(back.description, new RegExp(`Back at step ${a}`));
  assert.equal((await client.request({ type: 'evaluate', expression: 'step' })).result, String(a));
  const [tt] = ofType(messages, 'timeTravel');
  assert.equal(tt.event.kind, 'stepBack');
  assert.ok(tt.event.snapshotStep !== undefined && tt.event.snapshotStep <= a);

  paused = waitFor(client, isPaused, 60_000);
  await client.request({ type: 'resume' });
  const again = await paused;
  assert.deepEqual([again.step, again.reason, again.description], [a, 'anomaly', spike.description], 'the replayed run spikes at the same step, with the same numbers');
  const twice = lossAt(a);
  assert.equal(twice.length, 2);
  assert.ok(Object.is(twice[0], twice[1]), `step ${a}'s loss replayed bit for bit: ${twice.join(' vs ')}`);

  // Trace the spiking step: replayed, every op summarised, and each layer's gradient norms over the replay.
  const traced = waitFor(client, (m): m is EngineMessageOf<'stepTrace'> => m.type === 'stepTrace', 60_000);
  paused = waitFor(client, isPaused, 60_000);
  await client.request({ type: 'traceStep' });
  const { trace } = await traced;
  assert.equal(trace.step, a);
  assert.ok(trace.ops.length > 10 && trace.ops.some((o) => o.phase === 'backward'));
  assert.ok(trace.losses.length > 1 && trace.losses.at(-1)?.step === a);
  assert.ok(trace.gradNorms.length >= 2 && trace.gradJumps.length >= 1, JSON.stringify(trace.gradJumps));
  assert.equal((await paused).step, a, 'the traced step spikes again and stops there');

  await client.request({ type: 'setBreakpoints', anomalies: [] });
  const finished = waitFor(client, (m) => m.type === 'finished', 60_000);
  await client.request({ type: 'skipBatch' });
  await finished;
  await client.exited;
  const record = readFileSync(await client.recordPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; event?: { kind: string; skipped?: unknown[] } });
  const moves = record.filter((m) => m.type === 'timeTravel').map((m) => m.event);
  assert.deepEqual(moves.map((e) => e?.kind), ['stepBack', 'traceStep', 'skipBatch']);
  assert.equal(moves[2]?.skipped?.length, 1);
  assert.equal(record.at(-1)?.type, 'finished');
});

test('gradlens train --recover nonFinite: a batch of infinities is rolled back and left out, and the script finishes finite', () => {
  const file = path.join(FIXTURES, 'bad-batch-loop.ts');
  const derailed = cli(['train', file]);
  assert.match(derailed.stdout, /weights NOT finite/);
  const rec = cli(['train', file, '--recover', 'nonFinite', '--record', 'run.jsonl']);
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stdout, /last loss \d+\.\d+, weights finite/);
  assert.match(rec.stderr, /⟲ Recovered from nonFinite at step \d+: back to step \d+, leaving out its batch/);
  const record = readFileSync(path.join(rec.cwd, 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; event?: { kind: string } });
  assert.ok(record.filter((m) => m.type === 'timeTravel').every((m) => m.event?.kind === 'recover'));
  assert.ok(record.some((m) => m.type === 'timeTravel'));
  const bad = cli(['train', file, '--recover', 'lossSpikes']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--recover: unknown anomaly kind "lossSpikes"/);
});
