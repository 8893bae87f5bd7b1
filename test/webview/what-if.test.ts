// The panel's "what if" control in headless Chromium: a threshold and a value entered (keyboard only), the webview
// asks the host to re-score, the host's real handler (extension/panel/whatIf.ts over the run's record) answers, and
// the heatmap, loss-chart and warnings markers become the re-scored ones, marked as "what if"; Reset brings the
// run's own back. Screenshot: test-artifacts/webview/what-if.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { EngineMessage, WebviewToHost } from '../../protocol/messages';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { answerWhatIf } from '../../extension/panel/whatIf';
import { artifact, browserForFile, clearPosted, open, pageErrors, posted, postToWebview, settle, writePage } from './harness';

/** The sample run, its loss six times higher for six steps from 150; the run's own detectors flagged step 152. */
const run: EngineMessage[] = makeSampleRun({ layers: 4, steps: 300, batchesPerEpoch: 100, anomalies: [{ step: 152, kind: 'lossSpike' }] }).map(
  (m) => (m.type === 'step' && m.step >= 150 && m.step < 156 && m.step !== 152 ? { ...m, loss: m.loss * 6 } : m),
);
const record = path.join(mkdtempSync(path.join(tmpdir(), 'gradlens-whatif-')), 'run.jsonl');
writeFileSync(record, run.map((m) => JSON.stringify(m)).join('\n') + '\n');

const browser = browserForFile();

interface Markers {
  heatmap: string[];
  runLevel: string[];
  spikes: string[];
  warnings: string[];
  title: string;
  active: boolean;
}

async function markers(page: Page): Promise<Markers> {
  return page.evaluate(() => ({
    heatmap: [...document.querySelectorAll('svg.gl-heatmap-svg g.anomaly-marker')].map((g) => `${g.getAttribute('data-step')}:${g.getAttribute('data-kind')}:${g.getAttribute('data-layer')}`).sort(),
    runLevel: [...document.querySelectorAll('svg.gl-heatmap-svg path.run-marker')].map((p) => `${p.getAttribute('data-step')}:${p.getAttribute('data-kind')}`),
    spikes: [...document.querySelectorAll('svg.gl-loss-svg g.spike-marker')].map((g) => g.getAttribute('data-step') ?? ''),
    warnings: [...document.querySelectorAll('li.gl-warning')].map((l) => `${l.getAttribute('data-step')}:${l.getAttribute('data-kind')}`).sort(),
    title: document.getElementById('gl-warnings-h')?.textContent ?? '',
    active: document.querySelector('.gl-app')?.classList.contains('gl-whatif-active') ?? false,
  }));
}

/** What the host does with the webview's request: the real handler over the record, its answer posted back. */
async function answer(page: Page): Promise<void> {
  const asks = (await posted(page)).filter((m): m is Extract<WebviewToHost, { type: 'whatIf' }> => m.type === 'whatIf');
  assert.equal(asks.length, 1, `one whatIf request, got ${JSON.stringify(asks)}`);
  await clearPosted(page);
  await postToWebview(page, await answerWhatIf(record, asks[0].thresholds, {}, 'sample-run'));
}

async function ask(page: Page, name: string, value: string): Promise<void> {
  await page.focus('#gl-whatif-name');
  await page.selectOption('#gl-whatif-name', name);
  await page.focus('#gl-whatif-value');
  await page.fill('#gl-whatif-value', value);
  await page.keyboard.press('Enter');
}

test('what if: a threshold re-scores the markers over the whole run; Reset shows the run\'s own', async () => {
  const page = await open(browser(), writePage('what-if', { messages: run, vscode: true }));
  await clearPosted(page); // 'ready'
  const own = await markers(page);
  assert.deepEqual(own.spikes, ['152']);
  assert.deepEqual(own.runLevel, ['152:lossSpike']);
  assert.equal(own.active, false);
  assert.equal(await page.isVisible('#gl-whatif'), true);
  assert.equal(await page.getAttribute('#gl-whatif-value', 'placeholder'), '2', 'lossSpikeRatio\'s default is shown');

  // A ratio no loss reaches: the spike marker goes.
  await ask(page, 'lossSpikeRatio', '1e9');
  assert.deepEqual(await posted(page), [{ type: 'whatIf', thresholds: { lossSpikeRatio: 1e9 } }]);
  await answer(page);
  const none = await markers(page);
  assert.deepEqual([none.spikes, none.runLevel, none.heatmap, none.warnings], [[], [], [], []]);
  assert.equal(none.active, true);
  assert.equal(none.title, 'Warnings (what if, 0)');
  assert.match((await page.textContent('#gl-whatif-status')) ?? '', /^What if lossSpikeRatio = 1000000000: 0 anomalies over 300 steps \(the run's own: 1\)/);

  // A late answer to an earlier question is not shown.
  await postToWebview(page, await answerWhatIf(record, { lossSpikeRatio: 2 }, {}, 'sample-run'));
  assert.deepEqual((await markers(page)).spikes, []);

  // A low gradient-norm limit: exploding-gradient markers on two layers' rows appear, the spike is back.
  await ask(page, 'explodingNorm', '0.01');
  await answer(page);
  const more = await markers(page);
  assert.deepEqual(more.heatmap, ['3:explodingGradient:net.2', '3:explodingGradient:net.3']);
  assert.deepEqual(more.spikes, ['152']);
  assert.deepEqual(more.warnings, ['152:lossSpike', '3:explodingGradient', '3:explodingGradient']);
  assert.equal(more.title, 'Warnings (what if, 3)');
  await page.locator('#gl-whatif').screenshot({ path: artifact('what-if-control.png') });
  await page.screenshot({ path: artifact('what-if.png'), fullPage: true });

  // Reset, from the keyboard: the run's own markers.
  await page.focus('#gl-whatif-reset');
  await page.keyboard.press('Enter');
  await settle(page);
  assert.deepEqual(await markers(page), own);
  assert.equal(await page.textContent('#gl-whatif-status'), '');
  assert.deepEqual(await posted(page), []);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('what if: a value that is not a number is refused by name; the report (no host) has no control', async () => {
  const page = await open(browser(), writePage('what-if-bad', { messages: run, vscode: true }));
  await clearPosted(page); // 'ready'
  await ask(page, 'lossSpikeSigma', 'abc');
  assert.deepEqual(await posted(page), []);
  assert.equal(await page.textContent('#gl-whatif-status'), 'lossSpikeSigma needs a number, as in 6 (its default)');
  assert.deepEqual((await markers(page)).spikes, ['152']);
  await page.close();

  const report = await open(browser(), writePage('what-if-report', { messages: run }));
  assert.equal(await report.isVisible('#gl-whatif'), false);
  await report.close();
});

test('what if: while a run goes on, new steps ask the host to re-score again; after Reset they do not', async () => {
  const cut = run.findIndex((m) => m.type === 'step' && m.step === 200);
  const page = await open(browser(), writePage('what-if-live', { messages: run.slice(0, cut), vscode: true }));
  await clearPosted(page);
  await ask(page, 'lossSpikeRatio', '1e9');
  await answer(page);
  await postToWebview(page, { type: 'messages', messages: run.slice(cut, cut + 20) });
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'whatIf'), undefined, { timeout: 5000 });
  assert.deepEqual(await posted(page), [{ type: 'whatIf', thresholds: { lossSpikeRatio: 1e9 } }]);
  await answer(page);

  await page.click('#gl-whatif-reset');
  await clearPosted(page);
  await postToWebview(page, { type: 'messages', messages: run.slice(cut + 20, cut + 40) });
  await page.waitForTimeout(2500);
  assert.deepEqual(await posted(page), []);
  assert.equal((await markers(page)).active, false);
  await page.close();
});
