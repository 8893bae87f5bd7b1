// Webview render benchmark (not a unit test): a run of 50 layers x 20,000 steps in headless Chromium.
//   node --import tsx bench/webview-render.mjs [--layers 50] [--steps 20000] [--batch 10]
// Prints the medians of a full redraw (re-aggregate everything from the store and repaint every chart) and of an
// incremental update (a batch of new steps appended, as the host delivers them), with the targets: < 100 ms and
// < 16 ms. The run is generated inside the page (scripts/make-sample-run.ts bundled) so that a million layer-stat
// records never cross the DevTools protocol.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const LAYERS = arg('layers', 50);
const STEPS = arg('steps', 20000);
const BATCH = arg('batch', 10);
const FULL_RUNS = 9;
const INCR_RUNS = 40;

const common = { absWorkingDir: root, bundle: true, platform: 'browser', target: 'es2022', format: 'iife', logLevel: 'error' };
await build({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', minify: true, loader: { '.css': 'text' } });
const sample = await build({
  ...common,
  entryPoints: ['scripts/make-sample-run.ts'],
  globalName: 'GradlensSample',
  write: false,
  external: ['node:*'],
});

const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-bench-'));
writeFileSync(path.join(dir, 'sample.js'), sample.outputFiles[0].text);
writeFileSync(
  path.join(dir, 'bench.html'),
  `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="vscode-dark"><main id="gradlens"></main>
<script src="sample.js"></script><script src="${pathToFileURL(path.join(root, 'dist', 'webview.js')).href}"></script></body></html>`,
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(pathToFileURL(path.join(dir, 'bench.html')).href);
await page.waitForFunction(() => window.gradlens !== undefined);

const result = await page.evaluate(
  ({ LAYERS, STEPS, BATCH, FULL_RUNS, INCR_RUNS }) => {
    const extra = BATCH * (INCR_RUNS + 1);
    const t0 = performance.now();
    const all = window.GradlensSample.makeSampleRun({
      layers: LAYERS,
      steps: STEPS + extra,
      histogramEvery: 50,
      unfinished: true,
      anomalies: [
        { step: 7000, kind: 'explodingGradient', layer: 10 },
        { step: 7000, kind: 'lossSpike' },
        { step: 15000, kind: 'deadRelu', layer: 21 },
      ],
    });
    const genMs = performance.now() - t0;
    const app = window.gradlens;
    // Messages up to STEPS form the history; the rest arrive as appended batches.
    const stepOf = (m) => (m.type === 'step' || m.type === 'layerStats' || m.type === 'histograms' || m.type === 'epoch' ? m.step : m.type === 'anomaly' ? m.anomaly.step : 0);
    const cut = all.findIndex((m) => stepOf(m) > STEPS);
    const history = all.slice(0, cut);
    const rest = all.slice(cut);
    const t1 = performance.now();
    app.ingest(history);
    app.flush();
    const firstMs = performance.now() - t1;

    const median = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.floor(s.length / 2)];
    };
    const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
    const full = [];
    for (let i = 0; i < FULL_RUNS; i++) {
      const t = performance.now();
      app.invalidate();
      app.flush();
      document.body.getBoundingClientRect(); // include the layout the redraw causes
      full.push(performance.now() - t);
    }
    const incr = [];
    let k = 0;
    for (let i = 0; i < INCR_RUNS; i++) {
      const batch = [];
      const until = STEPS + (i + 1) * BATCH;
      while (k < rest.length && stepOf(rest[k]) <= until) batch.push(rest[k++]);
      const t = performance.now();
      app.ingest(batch);
      app.flush();
      document.body.getBoundingClientRect();
      incr.push(performance.now() - t);
    }
    return {
      messages: all.length,
      genMs,
      firstMs,
      full: { median: median(full), p90: p90(full), runs: full.length },
      incr: { median: median(incr), p90: p90(incr), runs: incr.length },
      columns: document.querySelector('canvas.gl-heatmap-canvas').width,
      rows: document.querySelector('canvas.gl-heatmap-canvas').height,
    };
  },
  { LAYERS, STEPS, BATCH, FULL_RUNS, INCR_RUNS },
);
await browser.close();

const f = (x) => x.toFixed(1).padStart(7);
console.log(`webview render, ${LAYERS} layers x ${STEPS} steps (${result.messages} messages generated in ${result.genMs.toFixed(0)} ms), heatmap ${result.rows} rows x ${result.columns} buckets`);
console.log(`  first ingest + draw      ${f(result.firstMs)} ms`);
console.log(`  full redraw      median ${f(result.full.median)} ms   p90 ${f(result.full.p90)} ms   (target < 100 ms, ${result.full.runs} runs)`);
console.log(`  +${BATCH} steps update  median ${f(result.incr.median)} ms   p90 ${f(result.incr.p90)} ms   (target < 16 ms, ${result.incr.runs} runs)`);
const ok = result.full.median < 100 && result.incr.median < 16;
console.log(ok ? '  within targets' : '  OVER TARGET');
process.exitCode = ok ? 0 : 1;
