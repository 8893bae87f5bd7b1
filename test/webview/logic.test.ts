// Pure webview logic in Node: the heatmap's step-placed raster, the columnar store, colour domains, saved UI state, and the
// HTML the host and the CLI serve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StepRaster } from '../../webview/charts/stepRaster';
import { domainFor, lutIndex, makeScale } from '../../webview/colour';
import { metricDef } from '../../webview/metrics';
import { RunStore } from '../../webview/store';
import { THROUGHPUT_WINDOW } from '../../protocol/throughput';
import { parseUiState } from '../../webview/uiState';
import { renderWebviewHtml } from '../../webview/html';
import { escapeScript, renderReportHtml, scriptJson } from '../../webview/report';
import { ema } from '../../webview/charts/lossPaths';
import { makeSampleRun } from '../../scripts/make-sample-run';

/** Reference raster: for each pixel, the samples whose step span [s_i, s_i+1 or s_i + 1) reaches it (edges rounded). */
function bruteRaster(series: ArrayLike<number>, steps: number[], width: number, x: (s: number) => number): { min: number[]; max: number[] } {
  const min = new Array<number>(width).fill(NaN);
  const max = new Array<number>(width).fill(NaN);
  const n = steps.length;
  for (let i = 0; i < n; i++) {
    const a = Math.round(x(steps[i]));
    const b = Math.max(a + 1, Math.round(x(i + 1 < n ? steps[i + 1] : steps[i] + 1)));
    const v = series[i];
    if (Number.isNaN(v)) continue;
    for (let p = Math.max(0, a); p < Math.min(width, b); p++) {
      if (!(v >= min[p])) min[p] = v;
      if (!(v <= max[p])) max[p] = v;
    }
  }
  return { min, max };
}

/** Statistics at steps 0-19, then every 20 steps from 33 (the adaptive cadence of issue 25's 200-step run). */
const ADAPTIVE_STEPS = [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 9 }, (_, i) => 33 + 20 * i)];

test('StepRaster: a sample covers the pixels of its steps up to the next sample, so columns sit at their steps', () => {
  const steps = ADAPTIVE_STEPS; // 29 samples over steps 0-193
  const x = (s: number) => s * 2; // 2 px per step over 200 steps: 400 px
  const raster = new StepRaster();
  raster.reset(1, 400, x);
  const values = Float32Array.from(steps, (s) => s);
  raster.update([values], steps, steps.length);
  // Step 153's sample is drawn at the axis position of step 153 (not at "180", as equal widths per sample put it).
  const i153 = steps.indexOf(153);
  assert.equal(raster.first[Math.floor(x(153.5))], i153);
  assert.equal(raster.max[0][Math.floor(x(153.5))], 153);
  // Between samples the last one holds: steps 154-172 still show step 153's statistics; 173 the next.
  assert.equal(raster.first[Math.floor(x(172.5))], i153);
  assert.equal(raster.first[Math.floor(x(173.5))], i153 + 1);
  // The first 20 steps fill 20 steps' worth of the axis (40 px), not two thirds of it.
  assert.equal(raster.first[39], 19);
  assert.equal(raster.first[40], 19, 'step 19 holds until step 33');
  assert.equal(raster.first[66], 20);
  // Past the last sample's own step nothing is drawn.
  assert.equal(raster.first[Math.floor(x(195))], -1);
  assert.deepEqual(raster.cellAt(x(100)), [Math.floor(x(93)), Math.floor(x(113))]);
});

test('StepRaster: appending in chunks equals aggregating at once; squeezed pixels keep both extremes', () => {
  const n = 3000;
  const steps = Array.from({ length: n }, (_, i) => (i < 1000 ? i : 1000 + (i - 1000) * 7));
  const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 37) + (i % 7 === 0 ? NaN : 0));
  const b = Float32Array.from({ length: n }, (_, i) => (i === 321 ? 1e6 : i / n));
  const last = steps[n - 1] + 1;
  const width = 300;
  const x = (s: number) => (s / last) * width;
  const raster = new StepRaster();
  raster.reset(2, width, x);
  let done = 0;
  for (const chunk of [1, 2, 61, 500, 17, 1200, 1219]) {
    done += chunk;
    raster.update([a, b], steps, done);
  }
  assert.equal(done, n);
  for (const [r, s] of [a, b].entries()) {
    const ref = bruteRaster(s, steps, width, x);
    for (let p = 0; p < width; p++) {
      assert.deepEqual([raster.min[r][p], raster.max[r][p]], [Math.fround(ref.min[p]), Math.fround(ref.max[p])], `row ${r} pixel ${p}`);
    }
  }
  assert.equal(raster.max[1][Math.floor(x(321))], 1e6, 'the one-step spike is the pixel max');
});

test('StepRaster: update reports the first pixel that changed', () => {
  const s = Float32Array.from({ length: 100 }, (_, i) => i);
  const steps = Array.from({ length: 100 }, (_, i) => i);
  const raster = new StepRaster();
  raster.reset(1, 100, (st) => st);
  assert.equal(raster.update([s], steps, 10), 0);
  assert.equal(raster.update([s], steps, 20), 9, 'the last old sample (step 9) is redone: it now reaches step 10');
  assert.equal(raster.update([s], steps, 20), 100, 'nothing new');
});

test('RunStore: rows follow the graph without containers; stats become columns; extents track values', () => {
  const msgs = makeSampleRun({ layers: 5, steps: 30, anomalies: [{ step: 12, kind: 'explodingGradient', layer: 2 }] });
  const store = new RunStore();
  const ch = store.ingest(msgs);
  assert.ok(ch.rows && ch.stats && ch.steps && ch.anomalies && ch.status);
  assert.deepEqual(
    store.rows.map((r) => r.id),
    ['net.0', 'net.1', 'net.2', 'net.3', 'net.4'],
  );
  assert.equal(store.statSteps.length, 30);
  assert.equal(store.stepNo.length, 30);
  const grad = store.metric('gradNorm');
  assert.equal(grad.length, 5);
  const sent = msgs.find((m) => m.type === 'layerStats' && m.step === 12);
  assert.ok(sent && sent.type === 'layerStats');
  assert.equal(grad[2].get(11), Math.fround(sent.layers[2].gradNorm ?? NaN));
  assert.equal(grad[2].get(11), Math.fround(1e3));
  // ReLU rows have no parameters: gradient norm falls back to the output gradient.
  const first = msgs.find((m) => m.type === 'layerStats');
  assert.ok(first && first.type === 'layerStats');
  assert.equal(first.layers[1].gradNorm, undefined);
  assert.equal(grad[1].get(0), Math.fround(first.layers[1].outGradNorm ?? NaN));
  assert.equal(store.extent('gradNorm').max, Math.fround(1e3));
  assert.equal(store.status.state, 'finished');
  assert.equal(store.epochs.length, 0, '30 steps < one epoch of 100 batches');
  assert.deepEqual(store.stepRange(), [1, 30]);
});

test('RunStore: unknown layers get rows padded with NaN; a new runId starts over', () => {
  const store = new RunStore();
  store.ingest([{ type: 'layerStats', step: 1, layers: [{ id: 'a', gradNorm: 1 }] }]);
  store.ingest([{ type: 'layerStats', step: 2, layers: [{ id: 'a', gradNorm: 2 }, { id: 'b', gradNorm: 3 }] }]);
  assert.deepEqual(
    store.rows.map((r) => r.id),
    ['a', 'b'],
  );
  assert.ok(Number.isNaN(store.metric('gradNorm')[1].get(0)), 'b had no value at step 1');
  assert.equal(store.metric('gradNorm')[1].get(1), 3);
  const cfg = makeSampleRun({ layers: 1, steps: 1 }).find((m) => m.type === 'runStarted');
  assert.ok(cfg && cfg.type === 'runStarted');
  store.ingest([cfg]);
  const ch = store.ingest([{ ...cfg, runId: 'another' }]);
  assert.ok(ch.reset);
  assert.equal(store.rows.length, 0);
  assert.equal(store.status.state, 'running');
  store.ingest([{ type: 'paused', step: 3, reason: 'anomaly', description: 'Exploding gradient in Linear', frames: [] }]);
  assert.deepEqual([store.status.state, store.status.message], ['paused', 'Exploding gradient in Linear']);
  store.ingest([{ type: 'error', error: { id: 'shapeMismatch', message: 'bad shape', showUser: true } }]);
  store.ingest([{ type: 'finished', reason: 'error', step: 3, durationMs: 1 }]);
  assert.deepEqual([store.status.state, store.status.message], ['error', 'bad shape']);
});

test('RunStore: the status line shows samples/s over recent steps while running, over the whole run once finished', () => {
  const msgs = makeSampleRun({ layers: 2, steps: 30 });
  const steps = msgs.filter((m) => m.type === 'step');
  // The last step is 64x slower than the rest: a last-step rate would read 1/64 of the others.
  steps.forEach((m, i) => Object.assign(m, { stepMs: i === steps.length - 1 ? 64 : 1, samplesPerSec: i === steps.length - 1 ? 1000 : 64000 }));
  const store = new RunStore();
  const end = msgs.findIndex((m) => m.type === 'finished');
  store.ingest(msgs.slice(0, end));
  const recent = (64 * THROUGHPUT_WINDOW * 1000) / (THROUGHPUT_WINDOW - 1 + 64);
  assert.equal(store.status.samplesPerSec, recent);
  store.ingest(msgs.slice(end));
  assert.equal(store.status.state, 'finished');
  assert.equal(store.status.samplesPerSec, (64 * steps.length * 1000) / (steps.length - 1 + 64));
});

test('colour domains: whole decades for log metrics, fixed [0,1] for fractions, symmetric for means', () => {
  const ext = { min: 0.0003, max: 42, minPositive: 0.0003 };
  assert.deepEqual(domainFor(metricDef('gradNorm'), ext), [-4, 2]);
  assert.deepEqual(domainFor(metricDef('deadFrac'), ext), [0, 1]);
  assert.deepEqual(domainFor(metricDef('actMean'), { min: -0.3, max: 0.12, minPositive: 0.12 }), [-0.5, 0.5]);
  assert.deepEqual(domainFor(metricDef('gradNorm'), { min: Infinity, max: -Infinity, minPositive: Infinity }), [-1, 0]);
  const scale = makeScale(metricDef('gradNorm'), ext);
  assert.equal(lutIndex(scale, 1e-4), 0);
  assert.equal(lutIndex(scale, 100), 255);
  assert.equal(lutIndex(scale, 0), 0, 'zero sits at the floor of a log scale');
  assert.equal(lutIndex(scale, NaN), -1);
  assert.equal(lutIndex(scale, 0.1), Math.round((3 / 6) * 255));
});

test('EMA smoothing is debiased and skips non-finite losses', () => {
  const out = ema([2, 2, NaN, 2], 4, 0.9);
  assert.equal(out[0], 2, 'debiased: the first value is not pulled toward 0');
  assert.ok(Math.abs(out[1] - 2) < 1e-12);
  assert.ok(Number.isNaN(out[2]));
  assert.ok(Math.abs(out[3] - 2) < 1e-12);
  const raw = ema([1, 3], 2, 0);
  assert.deepEqual(Array.from(raw), [1, 3], 'alpha 0 is the raw series');
});

test('UI state: versioned, unknown versions and bad fields fall back to defaults', () => {
  assert.equal(parseUiState(undefined).metric, 'gradNorm');
  assert.equal(parseUiState({ v: 0, metric: 'deadFrac' }).metric, 'gradNorm');
  const s = parseUiState({ v: 1, metric: 'deadFrac', smoothing: 0.3, logScale: true, selectedLayer: 'x', histKind: 'gradient' });
  assert.deepEqual(s, { v: 1, metric: 'deadFrac', smoothing: 0.3, logScale: true, selectedLayer: 'x', histKind: 'gradient' });
  assert.equal(parseUiState({ v: 1, metric: 'nope', smoothing: 7 }).smoothing, 0.6);
});

test('webview HTML: nonce-only scripts, no remote content', () => {
  const html = renderWebviewHtml({
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    cspSource: 'https://*.vscode-cdn.net',
    nonce: 'abc123',
  });
  assert.match(
    html,
    /content="default-src 'none'; script-src 'nonce-abc123'; style-src https:\/\/\*\.vscode-cdn\.net 'unsafe-inline'; img-src https:\/\/\*\.vscode-cdn\.net data:;/,
  );
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource/);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts.every((s) => s.includes('nonce="abc123"')));
  assert.doesNotMatch(html, /https?:\/\/(?!file\+|\*\.vscode-cdn)/, 'no other origin is referenced');
});

test('report HTML: one self-contained page, the run embedded safely', () => {
  assert.equal(escapeScript('a="</script>";b="<!--"'), 'a="\\x3C/script>";b="\\x3C!--"');
  assert.equal(JSON.parse(scriptJson({ s: '</script>\u2028' })).s, '</script>\u2028');
  assert.doesNotMatch(scriptJson({ s: '</script>' }), /<\//);
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-report-'));
  const bundle = path.join(dir, 'webview.js');
  writeFileSync(bundle, 'var x = "</script><b>"; console.log(x);\n//# sourceMappingURL=webview.js.map\n');
  const html = renderReportHtml(
    [{ type: 'log', level: 'info', message: 'layer </script><script>alert(1)</script>' }],
    { title: 'Run <1>', bundlePath: bundle },
  );
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two real end tags');
  assert.match(html, /<title>Run &lt;1&gt;<\/title>/);
  assert.doesNotMatch(html, /sourceMappingURL/);
  assert.doesNotMatch(html, /<script[^>]+src=/, 'nothing is loaded from elsewhere');
  assert.throws(() => renderReportHtml([], { title: 't', bundlePath: path.join(dir, 'missing.js') }), /ENOENT/);
});
