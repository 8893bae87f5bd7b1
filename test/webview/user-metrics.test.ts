// The user's own metrics (gradlens.log -> `metrics` messages) in the panel's loss chart, in headless Chromium:
// a line per name in its own colour at the steps it was logged, accuracy-like names on the accuracy axis, a legend
// entry and the hover's value each, the same in the HTML report made from the record, and in the loss exports.
// A screenshot goes to test-artifacts/webview/loss-user-metrics.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EngineMessage } from '../../protocol/messages';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { renderReportHtml } from '../../webview/report';
import { ReportReducer } from '../../webview/report-reducer';
import { artifact, browserForFile, BUNDLE, open, pageErrors, writeFile, writePage } from './harness';

const STEPS = 300;
const base = makeSampleRun({ layers: 4, steps: STEPS, batchesPerEpoch: 100 });
/** Once an epoch: a validation loss and accuracy, as a loop computes them; every step: a gradient scale. */
const METRICS: EngineMessage[] = [
  { type: 'metrics', step: 99, epoch: 0, values: { val_loss: 1.2, val_acc: 0.62 } },
  { type: 'metrics', step: 199, epoch: 1, values: { val_loss: 0.9, val_acc: 0.78 } },
  { type: 'metrics', step: 299, epoch: 2, values: { val_loss: 0.7, val_acc: 0.86 } },
  ...Array.from({ length: STEPS }, (_, s): EngineMessage => ({ type: 'metrics', step: s, values: { grad_scale: s === 150 ? null : 0.5 + s / 1000 } }) as unknown as EngineMessage),
];
/** The sample run with the metrics put after the step messages they belong to (record order). */
function withMetrics(): EngineMessage[] {
  const out: EngineMessage[] = [];
  for (const m of base) {
    if (m.type === 'finished') out.push(...METRICS.filter((x) => x.type === 'metrics' && x.step >= STEPS - 1 && !out.includes(x)));
    out.push(m);
    if (m.type === 'step') out.push(...METRICS.filter((x) => x.type === 'metrics' && x.step === m.step));
  }
  return out;
}
const run = withMetrics();

const browser = browserForFile();

interface Drawn {
  name: string;
  axis: string;
  dots: number;
  hasPath: boolean;
  colour: string;
}

async function userMetrics(page: Page): Promise<Drawn[]> {
  return page.$$eval('svg.gl-loss-svg g.user-metric', (gs) =>
    gs.map((g) => ({
      name: g.getAttribute('data-metric') ?? '',
      axis: g.getAttribute('data-axis') ?? '',
      dots: g.querySelectorAll('circle').length,
      hasPath: (g.querySelector('path.user-line')?.getAttribute('d') ?? '').startsWith('M'),
      colour: g.querySelector('path.user-line')?.getAttribute('stroke') ?? '',
    })),
  );
}

async function checkDrawn(page: Page): Promise<void> {
  const drawn = await userMetrics(page);
  assert.deepEqual(
    drawn.map((d) => [d.name, d.axis, d.dots, d.hasPath]),
    [
      ['grad_scale', 'loss', 0, true],
      ['val_loss', 'loss', 3, true],
      ['val_acc', 'fraction', 3, true],
    ],
  );
  assert.equal(new Set(drawn.map((d) => d.colour)).size, 3, 'a colour each');
  const legend = await page.$$eval('svg.gl-loss-svg g.loss-legend text', (ts) => ts.map((t) => t.textContent));
  for (const name of ['val_loss', 'val_acc', 'grad_scale']) assert.ok(legend.includes(name), `legend has ${name}: ${legend.join(', ')}`);
  assert.notEqual(await page.$eval('svg.gl-loss-svg g.acc-axis', (g) => g.getAttribute('display')), 'none', 'the accuracy axis is shown for val_acc');
  // The epoch points sit at their steps on the shared axis: the last at the right, the first a third of the way.
  const xs = await page.$$eval('svg.gl-loss-svg g.user-metric[data-metric="val_loss"] circle', (cs) => cs.map((c) => Number(c.getAttribute('cx'))));
  const width = await page.$eval('svg.gl-loss-svg rect.hit', (r) => Number(r.getAttribute('width')));
  assert.ok(Math.abs(xs[2] / width - 299.5 / STEPS) < 0.02 && Math.abs(xs[0] / width - 99.5 / STEPS) < 0.02, `points at ${xs.join(', ')} of ${width}`);
}

test('panel: each logged metric is a line in its own colour on the loss or the accuracy axis, with a legend entry', async () => {
  const page = await open(browser(), writePage('user-metrics', { messages: run }));
  await checkDrawn(page);
  // The gap at step 150 (a NaN logged) lifts the pen: the per-step line has two pieces.
  const d = await page.$eval('svg.gl-loss-svg g.user-metric[data-metric="grad_scale"] path', (p) => p.getAttribute('d') ?? '');
  assert.equal((d.match(/M/g) ?? []).length, 2);
  // Hovering step 250 shows each metric's latest value at or before it.
  const hit = await page.$eval('svg.gl-loss-svg rect.hit', (r) => r.getBoundingClientRect().toJSON() as DOMRect);
  await page.mouse.move(hit.x + (hit.width * 250.5) / STEPS, hit.y + 40);
  const tip = await page.$eval('.gl-tooltip', (t) => t.textContent ?? '');
  assert.match(tip, /val_loss 0\.9.*\(step 199\)/);
  assert.match(tip, /val_acc 0\.78/);
  assert.match(tip, /grad_scale 0\.75/);
  await page.mouse.move(0, 0);
  const chart = await page.$('svg.gl-loss-svg');
  await chart?.screenshot({ path: artifact('loss-user-metrics.png') });
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('report: the metrics of the run record are drawn as in the panel, and the loss CSV lists them', async () => {
  const reducer = new ReportReducer();
  for (const m of run) reducer.push(JSON.parse(JSON.stringify(m)));
  const html = renderReportHtml(reducer.result().messages, { title: 'Metrics report', bundlePath: BUNDLE });
  const page = await open(browser(), writeFile('user-metrics-report.html', html));
  await checkDrawn(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export="loss.csv"]')]);
  const csv = await download.createReadStream().then(async (s) => {
    let text = '';
    for await (const chunk of s) text += String(chunk);
    return text;
  });
  assert.match(csv, /^metric,step,value$/m);
  assert.match(csv, /^val_acc,299,0\.86$/m);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});
