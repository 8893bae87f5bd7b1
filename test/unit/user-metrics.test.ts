// The user's own metrics (gradlens.log -> a `metrics` message) as every consumer reads them: the panel's store
// (series by name, null as NaN, a cap on names, untrusted records), the HTML report's reducer (kept per name, thinned
// per name on long runs), the CLI's line, the run record's schema check, and the loss chart's axis choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineMessage } from '../../protocol/messages';
import { RunStore, MAX_USER_SERIES } from '../../webview/store';
import { ReportReducer } from '../../webview/report-reducer';
import { formatMetrics } from '../../cli/format';
import { checkEngineMessage } from '../../protocol/validate';
import { linePoints, userLines } from '../../webview/charts/lossUserMetrics';
import type { Palette } from '../../webview/theme';

const metrics = (step: number, values: Record<string, number | null>, epoch?: number): EngineMessage =>
  ({ type: 'metrics', step, ...(epoch === undefined ? {} : { epoch }), values }) as EngineMessage;

test('RunStore: each metric name is a series of (step, value), null is NaN, and the change is reported', () => {
  const s = new RunStore();
  const ch = s.ingest([metrics(10, { val_loss: 0.5, val_acc: 0.8 }, 0), metrics(20, { val_loss: null }, 1), metrics(30, { val_acc: 0.9, val_loss: 0.25 })]);
  assert.equal(ch.metrics, true);
  assert.deepEqual([...s.userMetrics.keys()], ['val_loss', 'val_acc']);
  const loss = s.userMetrics.get('val_loss');
  assert.deepEqual(Array.from(loss?.steps.view() ?? []), [10, 20, 30]);
  assert.deepEqual(Array.from(loss?.values.view() ?? []), [0.5, NaN, 0.25]);
  assert.deepEqual(Array.from(s.userMetrics.get('val_acc')?.values.view() ?? []), [0.8, 0.9]);
  assert.equal(s.userMetricPoints, 5);
  // A new run in the same panel starts over.
  s.ingest([{ type: 'runStarted', runId: 'a', modelFile: 'm.ts', startedAt: '', config: {} } as EngineMessage]);
  s.ingest([{ type: 'runStarted', runId: 'b', modelFile: 'm.ts', startedAt: '', config: {} } as EngineMessage]);
  assert.equal(s.userMetrics.size, 0);
});

test('RunStore: a record with bad metrics values draws what it can; names past the cap are counted, not kept', () => {
  const s = new RunStore();
  const bad = [{ type: 'metrics', step: 1, values: null }, { type: 'metrics', step: 'x', values: { a: 1 } }, { type: 'metrics', step: 2, values: { a: 'oops', b: 3 } }] as unknown as EngineMessage[];
  s.ingest(bad);
  assert.deepEqual([...s.userMetrics.keys()], ['b']);
  const many: Record<string, number> = {};
  for (let i = 0; i < MAX_USER_SERIES + 3; i++) many[`m${i}`] = i;
  s.ingest([metrics(3, many)]);
  assert.equal(s.userMetrics.size, MAX_USER_SERIES);
  assert.equal(s.userMetricsLeftOut.size, 4);
});

test('ReportReducer: metrics are kept, each name thinned on its own over a long run, names past the cap said', () => {
  const r = new ReportReducer({ metricBuckets: 50, metricNames: 2 });
  for (let step = 0; step < 10_000; step++) {
    r.push(metrics(step, { train_acc: step / 10_000 }));
    if (step % 1000 === 999) r.push(metrics(step, { val_loss: 1 / step, other: 1, third: 2 }, Math.floor(step / 1000)));
  }
  r.push({ type: 'finished', reason: 'completed', step: 10_000, durationMs: 1 });
  const { messages, skipped } = r.result();
  assert.equal(skipped, 0);
  const kept = messages.filter((m): m is Extract<EngineMessage, { type: 'metrics' }> => m.type === 'metrics');
  const byName = (n: string) => kept.filter((m) => n in m.values);
  assert.ok(byName('train_acc').length <= 100 && byName('train_acc').length >= 50, `${byName('train_acc').length} train_acc points`);
  assert.equal(byName('train_acc').at(-1)?.step, 9999, 'the last value is kept');
  assert.equal(byName('val_loss').length, 10, 'a metric logged once an epoch keeps every point');
  assert.equal(byName('val_loss')[0].epoch, 0);
  assert.equal(byName('other').length, 0);
  const note = messages.find((m) => m.type === 'log');
  assert.match(note?.type === 'log' ? note.message : '', /2 metric names after the first 2/);
  // Record order: the steps of the kept messages ascend.
  const steps = kept.map((m) => m.step);
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b));
});

test('CLI: one compact line per log call, NaN for null, the epoch counted from 1 as the progress bar does', () => {
  assert.equal(formatMetrics(metrics(375, { val_loss: 0.312, val_acc: 0.914 }, 2) as Extract<EngineMessage, { type: 'metrics' }>), 'step 375 (epoch 3): val_loss 0.3120, val_acc 0.9140');
  assert.equal(formatMetrics(metrics(4, { diverged: null }) as Extract<EngineMessage, { type: 'metrics' }>), 'step 4: diverged NaN');
});

test('schema: a metrics message is valid with null values; a value that is not a number is named', () => {
  assert.deepEqual(checkEngineMessage({ type: 'metrics', step: 3, epoch: 0, values: { val_loss: 0.3, x: null } }).ok, true);
  const bad = checkEngineMessage({ type: 'metrics', step: 3, values: { val_loss: 'a' } });
  assert.ok(!bad.ok && bad.error.includes('val_loss') && !bad.unknownType, JSON.stringify(bad));
});

test('loss chart: a fraction-named metric in [0, 1] goes on the accuracy axis, anything else on the loss axis', () => {
  const s = new RunStore();
  s.ingest([metrics(1, { val_acc: 0.9, val_loss: 0.3, top5_accuracy: 1.5, perplexity: 40 })]);
  const palette = { highContrast: false, fg: '#000' } as Palette;
  const axes = Object.fromEntries(userLines(s, palette).map((l) => [l.name, l.axis]));
  assert.deepEqual(axes, { val_acc: 'fraction', val_loss: 'loss', top5_accuracy: 'loss', perplexity: 'loss' });
  const colours = new Set(userLines(s, palette).map((l) => l.colour));
  assert.equal(colours.size, 4, 'each metric has its own colour');
});

test('loss chart: a metric logged at more steps than pixels keeps each pixel column\'s lowest and highest value', () => {
  const steps = Float64Array.from({ length: 1000 }, (_, i) => i);
  const values = Float64Array.from(steps, (i) => (i === 500 ? 9 : 1));
  const pts = linePoints({ name: 'm', colour: '', axis: 'loss', steps, values }, (st) => st / 10, 100);
  assert.ok(pts.length <= 2 * 101, `${pts.length} points`);
  assert.ok(pts.some(([, v]) => v === 9), 'the one-step spike is kept');
});
