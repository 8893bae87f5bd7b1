// The webview bundle in headless Chromium: what is drawn for a recorded run (rows, cell colours, anomaly markers),
// what it posts back (revealLayer, control, export), the host messages it handles, saved state, and screenshots
// of every panel in light and dark themes (test-artifacts/webview/). Over 350 lines on purpose: one browser and
// one page are shared by every case (starting Chromium per file costs seconds), so the page's cases stay together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { interpolateViridis, interpolateYlOrRd, rgb } from 'd3';
import type { Page } from 'playwright-core';
import type { EngineMessage, WebviewToHost } from '../../protocol/messages';
import { baseGradNorm, makeSampleRun, SAMPLE_MODEL_FILE } from '../../scripts/make-sample-run';
import { renderWebviewHtml } from '../../webview/html';
import { renderReportHtml } from '../../webview/report';
import { pathToFileURL } from 'node:url';
import {
  artifact,
  browserForFile,
  BUNDLE,
  clearPosted,
  open,
  pageErrors,
  posted,
  postToWebview,
  settle,
  writeFile,
  writePage,
} from './harness';

const LAYERS = 12;
const STEPS = 300;
const ANOMALIES = [
  { step: 120, kind: 'explodingGradient' as const, layer: 2 },
  { step: 120, kind: 'lossSpike' as const },
  { step: 250, kind: 'deadRelu' as const, layer: 5 },
];
const run = makeSampleRun({ layers: LAYERS, steps: STEPS, anomalies: ANOMALIES, batchesPerEpoch: 100 });

const browser = browserForFile();

const post = postToWebview;

function layerStatsAt(messages: EngineMessage[], step: number): Extract<EngineMessage, { type: 'layerStats' }> {
  const m = messages.find((x) => x.type === 'layerStats' && x.step === step);
  assert.ok(m && m.type === 'layerStats', `layerStats for step ${step}`);
  return m;
}

/** Expected RGB for a value, computed with d3 directly from the domain the legend shows. */
async function expectedColour(page: Page, value: number, interpolate: (t: number) => string): Promise<number[]> {
  const legend = await page.evaluate(() => {
    const el = document.querySelector('svg.gl-legend');
    return { lo: Number(el?.getAttribute('data-domain-lo')), hi: Number(el?.getAttribute('data-domain-hi')), log: el?.getAttribute('data-log') };
  });
  const x = legend.log === 'true' ? Math.log10(value) : value;
  const t = Math.min(1, Math.max(0, (x - legend.lo) / (legend.hi - legend.lo)));
  const c = rgb(interpolate(t));
  return [c.r, c.g, c.b];
}

function pixel(page: Page, col: number, row: number): Promise<number[]> {
  return page.evaluate(
    ([x, y]) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.gl-heatmap-canvas');
      return Array.from(c?.getContext('2d')?.getImageData(x, y, 1, 1).data ?? []);
    },
    [col, row],
  );
}

function near(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual[3], 255, `${what}: opaque`);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: got rgb(${actual.slice(0, 3)}) want rgb(${expected})`);
  }
}

/** Step -> x fitted from the heatmap's own axis ticks (labels and positions as drawn). */
async function axisFit(page: Page): Promise<(step: number) => number> {
  const ticks = await page.evaluate(() =>
    Array.from(document.querySelectorAll('svg.gl-heatmap-svg g.x-axis g.tick')).map((t) => ({
      step: Number(t.textContent),
      x: Number(/translate\(([-\d.]+)/.exec(t.getAttribute('transform') ?? '')?.[1]),
    })),
  );
  assert.ok(ticks.length >= 3, 'the step axis has ticks');
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const k = (b.x - a.x) / (b.step - a.step);
  return (step) => a.x + (step - a.step) * k;
}

/** Canvas column of the heatmap cell drawn at `step`'s position on the step axis. */
async function colOf(page: Page, step: number): Promise<number> {
  const x = await axisFit(page);
  const [plotWidth, canvasWidth] = await page.evaluate(() => [
    Number(document.querySelector('svg.gl-heatmap-svg rect.plot-border')?.getAttribute('width')),
    (document.querySelector('canvas.gl-heatmap-canvas') as HTMLCanvasElement).width,
  ]);
  return Math.floor((x(step + 0.5) * canvasWidth) / plotWidth);
}

test('heatmap: one row per layer in model order, labelled with name and source line', async () => {
  const page = await open(browser(), writePage('rows', { messages: run }));
  const labels = await page.$$eval('svg.gl-heatmap-svg g.row-label', (gs) =>
    gs.map((g) => ({ id: g.getAttribute('data-layer'), text: g.querySelector('text')?.textContent })),
  );
  assert.equal(labels.length, LAYERS, 'the Sequential container has no row');
  assert.deepEqual(
    labels.map((l) => l.id),
    Array.from({ length: LAYERS }, (_, i) => `net.${i}`),
  );
  // The module path, the name and the line (the file is the run's model file, so only its line).
  assert.equal(labels[0].text, 'net.0  Linear(784, 256)  :6');
  assert.equal(labels[1].text, 'net.1  ReLU()  :7');
  const canvas = await page.$eval('canvas.gl-heatmap-canvas', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  const plotWidth = await page.$eval('svg.gl-heatmap-svg rect.plot-border', (r) => Number(r.getAttribute('width')));
  assert.deepEqual(canvas, [Math.round(plotWidth), LAYERS], 'one canvas column per plot pixel, one row per layer');
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('heatmap: a cell has the colour of its value on the legend scale, per metric', async () => {
  const page = await open(browser(), writePage('colour', { messages: run, vscode: true }));
  const step = 77;
  const stats = layerStatsAt(run, step);
  const value = stats.layers[4].gradNorm ?? NaN;
  assert.ok(Math.abs(value / baseGradNorm(4, LAYERS, step) - 1) < 0.11, 'the sample sent the value it promised');
  near(await pixel(page, await colOf(page, step), 4), await expectedColour(page, value, interpolateViridis), 4, 'gradNorm cell');
  // The spike at step 120 in layer 2 is the top of the scale.
  near(await pixel(page, await colOf(page, 120), 2), await expectedColour(page, 1e3, interpolateViridis), 4, 'exploding cell');

  await page.evaluate(() => {
    const dd = document.querySelector('#gl-metric') as HTMLElement & { value: string };
    dd.value = 'deadFrac';
    dd.dispatchEvent(new Event('change'));
  });
  await settle(page);
  const legendTitle = await page.$eval('svg.gl-legend text.legend-title', (t) => t.textContent);
  assert.match(legendTitle ?? '', /^Dead fraction/);
  const zero = layerStatsAt(run, 250).layers[5].act?.zeroFrac ?? NaN;
  assert.equal(zero, 0.97);
  near(await pixel(page, await colOf(page, 250), 5), await expectedColour(page, zero, interpolateYlOrRd), 4, 'dead ReLU cell');
  await page.close();
});

test('heatmap: long runs squeeze several steps into a pixel with the max kept, so a one-step spike still shows', async () => {
  const steps = 4000;
  const long = makeSampleRun({ layers: 6, steps, histogramEvery: 200, anomalies: [{ step: 2345, kind: 'explodingGradient', layer: 2 }] });
  const page = await open(browser(), writePage('long', { messages: long }));
  const width = await page.$eval('canvas.gl-heatmap-canvas', (c) => (c as HTMLCanvasElement).width);
  assert.ok(width < steps / 2, `${steps} steps in ${width} columns`);
  near(await pixel(page, await colOf(page, 2345), 2), await expectedColour(page, 1e3, interpolateViridis), 4, 'spike pixel');
  const note = await page.$eval('svg.gl-legend text.legend-note', (t) => t.textContent);
  assert.equal(note, 'several steps per pixel: the maximum shows');
  await page.close();
});

test('heatmap: streamed batches paint exactly what a full redraw of the same run paints', async () => {
  const steps = 1500;
  const live = makeSampleRun({ layers: 4, steps, histogramEvery: 100, unfinished: true, anomalies: [{ step: 1001, kind: 'explodingGradient', layer: 2 }] });
  const page = await open(browser(), writePage('stream', { vscode: true }));
  const batches = 6;
  const per = Math.ceil(live.length / batches);
  for (let i = 0; i < batches; i++) await post(page, { type: 'messages', messages: live.slice(i * per, (i + 1) * per) });
  const image = () =>
    page.$eval('canvas.gl-heatmap-canvas', (c) => {
      const cv = c as HTMLCanvasElement;
      return Array.from(cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data ?? []).join(',');
    });
  const streamed = await image();
  assert.ok(streamed.length > 0);
  // A full redraw of the same run at the same size re-aggregates every sample: it must paint the same pixels.
  await page.evaluate(() => {
    window.gradlens?.invalidate();
    window.gradlens?.flush();
  });
  assert.ok((await image()) === streamed, 'incremental painting equals a full repaint');
  near(await pixel(page, await colOf(page, 1001), 2), await expectedColour(page, 1e3, interpolateViridis), 4, 'spike pixel');
  await page.close();
});

test('anomalies are marked on their layer and step; loss spikes on the loss chart', async () => {
  const page = await open(browser(), writePage('markers', { messages: run }));
  const x = await axisFit(page);
  const markers = await page.$$eval('svg.gl-heatmap-svg g.anomaly-marker', (gs) =>
    gs.map((g) => {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
      return { step: Number(g.getAttribute('data-step')), layer: g.getAttribute('data-layer'), kind: g.getAttribute('data-kind'), x: Number(m?.[1]), y: Number(m?.[2]) };
    }),
  );
  assert.deepEqual(
    markers.map((m) => [m.step, m.layer, m.kind]).sort(),
    [
      [120, 'net.2', 'explodingGradient'],
      [250, 'net.5', 'deadRelu'],
    ],
  );
  const rowY = await page.$$eval('svg.gl-heatmap-svg g.row-label', (gs) =>
    gs.map((g) => Number(/translate\(0,([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '')?.[1])),
  );
  const rowH = rowY[1] - rowY[0];
  for (const m of markers) {
    const pxPerStep = x(2) - x(1);
    assert.ok(Math.abs(m.x - x(m.step + 0.5)) <= pxPerStep, `marker for step ${m.step} at x=${m.x}, axis says ${x(m.step + 0.5)}`);
    const row = Number(m.layer?.split('.')[1]);
    assert.ok(Math.abs(m.y - (rowY[row] + rowH / 2)) < 0.5, `marker on row ${row}`);
  }
  const runLevel = await page.$$eval('svg.gl-heatmap-svg path.run-marker', (ps) => ps.map((p) => [p.getAttribute('data-step'), p.getAttribute('data-kind')]));
  assert.deepEqual(runLevel, [['120', 'lossSpike']]);
  const spikes = await page.$$eval('svg.gl-loss-svg g.spike-marker', (gs) => gs.map((g) => g.getAttribute('data-step')));
  assert.deepEqual(spikes, ['120']);
  const warnings = await page.$$eval('li.gl-warning', (ls) => ls.map((l) => [l.getAttribute('data-kind'), l.getAttribute('data-step')]));
  assert.deepEqual(warnings, [
    ['deadRelu', '250'],
    ['lossSpike', '120'],
    ['explodingGradient', '120'],
  ]);
  const first = await page.$eval('li.gl-warning', (l) => l.textContent ?? '');
  for (const part of ['Dead ReLU', 'gradlens.deadRelu', 'deadLayerFrac = 0.9', 'zeroFrac = 0.97', 'LeakyReLU', 'ReLU() — mlp.ts:11']) {
    assert.ok(first.includes(part), `warning shows "${part}"`);
  }
  // Hovering the marked cell tells what fired there.
  const box = await page.$eval('svg.gl-heatmap-svg', (s) => s.getBoundingClientRect().toJSON() as DOMRect);
  const left = await page.$eval('svg.gl-heatmap-svg g.plot', (g) => Number(/translate\(([-\d.]+)/.exec(g.getAttribute('transform') ?? '')?.[1]));
  const top = await page.$eval('svg.gl-heatmap-svg g.plot', (g) => Number(/,([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '')?.[1]));
  const m = markers.find((mk) => mk.step === 120);
  assert.ok(m);
  await page.mouse.move(box.x + left + m.x + 1, box.y + top + m.y + 1);
  const tip = await page.$eval('.gl-tooltip', (t) => t.textContent ?? '');
  assert.match(tip, /Linear\(256, 256\).*step 120.*Gradient norm: 1000.*gradient norm 1000 exceeds 100/);
  await page.close();
});

test('clicking a row or a cell posts revealLayer with the layer and its source; Enter does too', async () => {
  const page = await open(browser(), writePage('reveal', { messages: run, vscode: true }));
  assert.deepEqual(await posted(page), [{ type: 'ready' }]);
  await clearPosted(page);
  await page.click('svg.gl-heatmap-svg g.row-label[data-layer="net.2"]');
  assert.deepEqual(await posted(page), [
    { type: 'revealLayer', layerId: 'net.2', source: { file: SAMPLE_MODEL_FILE, line: 8, column: 5 } },
  ]);
  await clearPosted(page);
  const hit = await page.$eval('svg.gl-heatmap-svg rect.hit', (r) => r.getBoundingClientRect().toJSON() as DOMRect);
  const rowH = hit.height / LAYERS;
  await page.mouse.click(hit.x + hit.width / 2, hit.y + rowH * 7.5);
  assert.deepEqual(
    (await posted(page)).map((m) => (m.type === 'revealLayer' ? m.layerId : m.type)),
    ['net.7'],
  );
  await clearPosted(page);
  await page.focus('svg.gl-heatmap-svg g.row-label[data-layer="net.3"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.deepEqual(
    (await posted(page)).map((m) => (m.type === 'revealLayer' ? m.layerId : m.type)),
    ['net.4'],
  );
  // Left/Right read the cells of the focused row out in the tooltip.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  assert.match(await page.$eval('.gl-tooltip', (t) => t.textContent ?? ''), /^net\.4 Linear\(256, 256\)  \(mlp\.ts:10\)step 2Gradient norm: /);
  assert.equal(await page.$$eval('rect.cursor', (r) => r.length), 1);
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('.gl-tooltip', (t) => (t as HTMLElement).hidden), true);
  // The selection drives the distributions panel.
  await settle(page);
  assert.equal(await page.$eval('#gl-layer', (d) => (d as HTMLSelectElement).value), 'net.4');
  await page.selectOption('#gl-layer', 'net.8');
  await settle(page);
  assert.match((await page.$eval('svg.gl-hist-svg', (s) => s.getAttribute('aria-label'))) ?? '', /of Linear\(256, 128\) \(mlp\.ts:14\)/);
  assert.equal(await page.$eval('g.row-label[data-layer="net.8"]', (g) => g.getAttribute('aria-pressed')), 'true');
  await page.selectOption('#gl-layer', 'net.4');
  await settle(page);
  assert.match((await page.$eval('svg.gl-hist-svg', (s) => s.getAttribute('aria-label'))) ?? '', /activation distribution of Linear\(256, 256\) \(mlp\.ts:10\)/);
  await page.click('#gl-histkind');
  await page.click('#gl-histkind vscode-option[value="gradient"]');
  await settle(page);
  assert.match((await page.$eval('svg.gl-hist-svg', (s) => s.getAttribute('aria-label'))) ?? '', /^gradient distribution of Linear\(256, 256\)/);
  const ticks = await page.$$eval('svg.gl-hist-svg g.y-axis g.tick text', (ts) => ts.map((t) => Number(t.textContent)));
  assert.ok(Math.max(...ticks.map(Math.abs)) < 1, `gradient values are small (${ticks})`);
  await clearPosted(page);
  await page.click('li.gl-warning[data-kind="explodingGradient"] button.gl-link');
  assert.deepEqual((await posted(page))[0], {
    type: 'revealLayer',
    layerId: 'net.2',
    source: { file: SAMPLE_MODEL_FILE, line: 8, column: 5 },
  });
  await page.close();
});

test('controls post control commands and follow the run state; the status line shows it', async () => {
  const live = makeSampleRun({ layers: 4, steps: 40, unfinished: true });
  const page = await open(browser(), writePage('controls', { messages: live, vscode: true }));
  const enabled = (): Promise<Record<string, boolean>> =>
    page.$$eval('.gl-run-buttons vscode-button', (bs) => Object.fromEntries(bs.map((b) => [b.id.slice(3), !b.hasAttribute('disabled')])));
  assert.deepEqual(await enabled(), { train: true, pause: true, resume: false, step: false, stop: true, skip: false, halve: false });
  assert.equal(await page.$eval('#gl-train', (b) => b.textContent), 'Restart');
  const status = await page.$eval('#gl-status', (s) => s.textContent ?? '');
  assert.match(status, /Running.*epoch 1 \/ 1.*step 40 \(batch 40\/100\).*loss \d\.\d+.*samples\/s [\d,]+.*kernels cpu ×4 · wasm ×1/);
  await clearPosted(page);
  await page.click('#gl-pause');
  await post(page, { type: 'messages', messages: [{ type: 'paused', step: 40, reason: 'pause', description: 'Paused by the user', frames: [] }] });
  assert.deepEqual(await enabled(), { train: true, pause: false, resume: true, step: true, stop: true, skip: true, halve: true });
  assert.match(await page.$eval('#gl-status', (s) => s.textContent ?? ''), /Paused.*Paused by the user/);
  // Time travel from the stop: skip this batch, halve the learning rate (each continues the run).
  await page.click('#gl-skip');
  await page.click('#gl-halve');
  await page.click('#gl-step');
  await page.click('#gl-resume');
  await page.click('#gl-pause'); // disabled now: must not post
  await page.click('#gl-stop');
  assert.deepEqual(await posted(page), [
    { type: 'control', command: 'pause' },
    { type: 'control', command: 'skip' },
    { type: 'control', command: 'halve' },
    { type: 'control', command: 'step' },
    { type: 'control', command: 'resume' },
    { type: 'control', command: 'stop' },
  ]);
  await post(page, { type: 'messages', messages: [{ type: 'error', error: { id: 'nanLoss', message: 'loss became NaN', showUser: true } }] });
  assert.match(await page.$eval('#gl-status', (s) => s.textContent ?? ''), /Error.*loss became NaN/);
  assert.deepEqual(await enabled(), { train: true, pause: false, resume: false, step: false, stop: false, skip: false, halve: false });
  // The ended run can be trained again from the panel (issue 25 item 8).
  assert.equal(await page.$eval('#gl-train', (b) => b.textContent), 'Train again');
  await clearPosted(page);
  await page.click('#gl-train');
  assert.deepEqual(await posted(page), [{ type: 'control', command: 'train' }]);
  await page.close();
});

test('host messages: batches append, reset clears, theme switches the body class', async () => {
  const page = await open(browser(), writePage('host', { vscode: true }));
  assert.equal(await page.$$eval('g.row-label', (g) => g.length), 0);
  const cut = run.findIndex((m) => m.type === 'layerStats' && m.step === 150);
  await post(page, { type: 'messages', messages: run.slice(0, cut) });
  assert.equal(await page.$$eval('g.row-label', (g) => g.length), LAYERS);
  const canvasWidth = () => page.$eval('canvas.gl-heatmap-canvas', (c) => (c as HTMLCanvasElement).width);
  const width = await canvasWidth();
  // A small live batch: the step axis keeps its headroom, so only the new columns are painted.
  const axisBefore = await page.$eval('svg.gl-heatmap-svg g.x-axis', (g) => g.innerHTML);
  const cut2 = run.findIndex((m) => m.type === 'layerStats' && m.step === 152);
  await post(page, { type: 'messages', messages: run.slice(cut, cut2) });
  assert.equal(await canvasWidth(), width);
  assert.equal(await page.$eval('svg.gl-heatmap-svg g.x-axis', (g) => g.innerHTML), axisBefore, 'the axis did not move');
  for (const step of [148, 149, 150, 151]) {
    near(
      await pixel(page, await colOf(page, step), 3),
      // Layer 3 is a ReLU: no parameters, so the heatmap shows its output gradient.
      await expectedColour(page, layerStatsAt(run, step).layers[3].outGradNorm ?? NaN, interpolateViridis),
      4,
      `appended cell at step ${step}`,
    );
  }
  await post(page, { type: 'messages', messages: run.slice(cut2) });
  near(
    await pixel(page, await colOf(page, 200), 0),
    await expectedColour(page, layerStatsAt(run, 200).layers[0].gradNorm ?? NaN, interpolateViridis),
    4,
    'a cell drawn by the incremental path',
  );
  await post(page, { type: 'reset' });
  assert.equal(await page.$$eval('g.row-label', (g) => g.length), 0);
  assert.equal(await page.$$eval('li.gl-warning', (l) => l.length), 0);
  await post(page, { type: 'theme', kind: 'dark' });
  assert.equal(await page.evaluate(() => document.body.className), 'vscode-dark');
  await page.close();
});

test('UI state is saved with a version and restored after a reload', async () => {
  const url = writePage('state', { messages: run, vscode: true });
  const page = await open(browser(), url);
  await page.click('#gl-metric');
  await page.click('#gl-metric vscode-option[value="updateRatio"]');
  await page.$eval('#gl-smoothing', (el) => {
    const input = el as HTMLInputElement;
    input.value = '0.9';
    input.dispatchEvent(new Event('input'));
  });
  await page.click('#gl-logscale');
  await page.click('svg.gl-heatmap-svg g.row-label[data-layer="net.6"]');
  const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null'));
  assert.deepEqual(saved, { v: 1, metric: 'updateRatio', smoothing: 0.9, logScale: true, selectedLayer: 'net.6', histKind: 'activation' });
  await page.reload();
  await settle(page);
  assert.match((await page.$eval('svg.gl-legend text.legend-title', (t) => t.textContent)) ?? '', /^Update ratio/);
  assert.equal(await page.$eval('#gl-metric', (d) => (d as HTMLElement & { value: string }).value), 'updateRatio');
  assert.equal(await page.$eval('#gl-smoothing', (i) => (i as HTMLInputElement).value), '0.9');
  assert.equal(await page.$eval('#gl-logscale', (c) => (c as HTMLElement & { checked: boolean }).checked), true);
  assert.match((await page.$eval('svg.gl-loss-svg', (s) => s.textContent)) ?? '', /loss \(log\).*train \(EMA 0\.90\)/);
  assert.equal(await page.$eval('#gl-layer', (d) => (d as HTMLSelectElement).value), 'net.6');
  assert.equal(await page.$eval('g.row-label[data-layer="net.6"]', (g) => g.getAttribute('aria-pressed')), 'true');
  await page.close();
});

test('exports: PNG, SVG, CSV and JSON are posted to the host', async () => {
  const page = await open(browser(), writePage('export', { messages: run, vscode: true }));
  await clearPosted(page);
  for (const f of ['png', 'svg', 'csv', 'json']) await page.click(`button[data-export="heatmap.${f}"]`);
  await page.click('button[data-export="loss.csv"]');
  await page.click('button[data-export="distribution.svg"]');
  await page.click('button[data-export="warnings.json"]');
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 7);
  const out = await posted(page);
  const byName = new Map<string, WebviewToHost>(out.map((m) => [m.type === 'export' ? m.name : m.type, m]));
  const png = byName.get('gradlens-heatmap-gradNorm.png');
  assert.ok(png?.type === 'export' && png.format === 'png');
  assert.match(png.data, /^data:image\/png;base64,/);
  const bytes = Buffer.from(png.data.split(',')[1], 'base64');
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  writeFileSync(artifact('export-heatmap.png'), bytes);
  assert.ok(bytes.readUInt32BE(16) >= 1000, 'rasterised at 2x the chart width');
  const svg = byName.get('gradlens-heatmap-gradNorm.svg');
  assert.ok(svg?.type === 'export');
  assert.match(svg.data, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.data, /<image[^>]+href="data:image\/png;base64,/);
  assert.ok(svg.data.includes('Linear(784, 256)'));
  const csv = byName.get('gradlens-heatmap-gradNorm.csv');
  assert.ok(csv?.type === 'export');
  const lines = csv.data.trim().split('\n');
  assert.equal(lines.length, STEPS + 1);
  // Columns are named by the layer's path and name (ten identical names in a loop differ in their path).
  assert.ok(lines[0].startsWith('step,"net.0 Linear(784, 256)",net.1 ReLU(),"net.2 Linear(256, 256)"'), lines[0]);
  assert.equal(Number(lines[120].split(',')[3]), Math.fround(1e3));
  const json = byName.get('gradlens-heatmap-gradNorm.json');
  assert.ok(json?.type === 'export');
  const parsed = JSON.parse(json.data) as { metric: string; steps: number[]; values: number[][] };
  assert.equal(parsed.metric, 'gradNorm');
  assert.equal(parsed.values[2][119], Math.fround(1e3));
  const loss = byName.get('gradlens-loss.csv');
  assert.ok(loss?.type === 'export');
  assert.match(loss.data, /^step,loss,smoothed,lr,samplesPerSec\n1,/);
  const dist = byName.get('gradlens-distribution-activation-net.0.svg');
  assert.ok(dist?.type === 'export' && dist.data.includes('<image'));
  const warn = byName.get('gradlens-warnings.json');
  assert.ok(warn?.type === 'export');
  assert.equal((JSON.parse(warn.data) as unknown[]).length, 3);
  await page.close();
});

test('report page: self-contained, renders the recorded run without a host, downloads exports', async () => {
  const tricky: EngineMessage[] = run.map((m) =>
    m.type === 'graph'
      ? { ...m, graph: { ...m.graph, layers: m.graph.layers.map((l) => (l.id === 'net.0' ? { ...l, name: 'Linear</script><b>x' } : l)) } }
      : m,
  );
  const html = renderReportHtml(tricky, { title: 'Sample report', bundlePath: BUNDLE });
  assert.ok(html.includes(readFileSync(BUNDLE, 'utf8').slice(0, 200).replace(/<\/script/gi, '\\x3C/script')));
  const page = await open(browser(), writeFile('report.html', html));
  assert.equal(await page.title(), 'Sample report');
  assert.equal(await page.$$eval('g.row-label', (g) => g.length), LAYERS);
  assert.equal(await page.$eval('g.row-label text', (t) => t.textContent), 'net.0  Linear</script><b>x  :6');
  assert.equal(await page.$eval('.gl-run-buttons', (g) => (g as HTMLElement).hidden), true, 'no engine to control');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export="loss.json"]')]);
  assert.equal(download.suggestedFilename(), 'gradlens-loss.json');
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('VS Code panel HTML: the bundle runs under the strict CSP without violations', async () => {
  const html = renderWebviewHtml({ scriptUri: pathToFileURL(BUNDLE).href, cspSource: 'file:', nonce: 'Tm9uY2UxMjM0NTY3OA==' });
  const page = await open(browser(), writeFile('csp.html', html), { beforeLoad: { messages: run } });
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, []);
  assert.equal(await page.$$eval('g.row-label', (g) => g.length), LAYERS);
  assert.deepEqual((await posted(page))[0], { type: 'ready' });
  await clearPosted(page);
  await page.click('button[data-export="heatmap.png"]');
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  const [png] = await posted(page);
  assert.ok(png.type === 'export' && png.data.startsWith('data:image/png;base64,'), 'PNG export works under the CSP');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  await page.close();
});

test('readable at 100 layers; screenshots of every panel in light, dark and high contrast', async () => {
  const big = makeSampleRun({
    layers: 100,
    steps: 200,
    histogramEvery: 20,
    anomalies: [
      { step: 150, kind: 'explodingGradient', layer: 40 },
      { step: 60, kind: 'deadRelu', layer: 77 },
    ],
  });
  const bigPage = await open(browser(), writePage('hundred', { messages: big }), { height: 1000 });
  const rows = await bigPage.$$eval('g.row-label', (gs) => gs.map((g) => g.getBoundingClientRect().height));
  assert.equal(rows.length, 100);
  assert.ok(rows.every((h) => h >= 9.5), 'rows stay at least 10 px tall');
  const fonts = await bigPage.$$eval('g.row-label text', (ts) => ts.map((t) => Number(t.getAttribute('font-size'))));
  assert.ok(fonts.every((f) => f >= 9));
  await bigPage.locator('#gl-section-heatmap').screenshot({ path: artifact('heatmap-100-layers-light.png') });
  await bigPage.close();

  const html = renderReportHtml(run, { title: 'Gradlens', bundlePath: BUNDLE });
  const url = writeFile('themes.html', html);
  for (const scheme of ['light', 'dark'] as const) {
    const page = await open(browser(), url, { colorScheme: scheme });
    assert.equal(await page.evaluate(() => document.body.className), `vscode-${scheme}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)');
    await page.click('g.row-label[data-layer="net.4"]');
    await settle(page);
    for (const s of ['heatmap', 'loss', 'hist', 'warnings']) {
      await page.locator(`#gl-section-${s}`).screenshot({ path: artifact(`${s}-${scheme}.png`) });
    }
    await page.screenshot({ path: artifact(`full-${scheme}.png`), fullPage: true });
    if (scheme === 'dark') {
      await post(page, { type: 'theme', kind: 'highContrast' });
      await page.screenshot({ path: artifact('full-high-contrast.png'), fullPage: true });
    }
    await page.close();
  }
});
