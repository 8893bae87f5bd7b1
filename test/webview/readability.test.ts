// What a newcomer reads in the panel at the width it opens with (beside an editor): heatmap rows that tell ten
// identical layers of a loop apart, nothing cut off (labels, titles, legends, also in the exported SVG), markers
// over the axis position of their step in the heatmap and in the loss chart when statistics arrive unevenly, and
// disabled buttons that look disabled in high contrast (issue 25 items 2, 9, 11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EngineMessage, LayerInfo } from '../../protocol/messages';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { artifact, browserForFile, open, posted, writePage } from './harness';

/** The panel's width beside an editor in a 1500 px window (the e2e's), and a narrow one. */
const DEFAULT_WIDTH = 700;
const NARROW_WIDTH = 480;
/** So narrow that the legend title takes two lines. */
const NARROWEST_WIDTH = 380;
const MODEL = '/work/examples/vanishing-sigmoid.ts';

const browser = browserForFile();

/**
 * A 200-step run of ten `Linear(64, 64)` + Sigmoid pairs built in a loop at line 8 (their names and lines are all
 * the same), whose layer statistics arrive at steps 0-19 and then every 20 steps (33, 53, ..., 193), with loss
 * spikes at 149 and 154 and a layer anomaly at 153.
 */
function loopRun(): EngineMessage[] {
  const base = makeSampleRun({
    layers: 20,
    steps: 200,
    modelFile: MODEL,
    anomalies: [
      { step: 149, kind: 'lossSpike' },
      { step: 154, kind: 'lossSpike' },
      { step: 153, kind: 'explodingGradient', layer: 6 },
    ],
  });
  const statSteps = new Set([...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 9 }, (_, i) => 33 + 20 * i), 153]);
  const rename = (l: LayerInfo): LayerInfo => {
    if (l.id === 'net') return { ...l, id: 'layers', name: 'ModuleList', type: 'ModuleList' };
    const i = Number(l.id.split('.')[1]);
    const linear = i % 2 === 0;
    const id = `layers.${i}`;
    return linear
      ? { ...l, id, parent: 'layers', name: 'Linear(64, 64)', type: 'Linear', source: { file: MODEL, line: 8, column: 5 } }
      : { ...l, id, parent: 'layers', name: 'Sigmoid()', type: 'Sigmoid', params: [], paramCount: 0, source: { file: MODEL, line: 9, column: 5 } };
  };
  const relayer = (id: string): string => id.replace(/^net/, 'layers');
  const out: EngineMessage[] = [];
  for (const m of base) {
    if (m.type === 'graph') out.push({ ...m, graph: { ...m.graph, layers: m.graph.layers.map(rename) } });
    else if (m.type === 'layerStats') {
      // The sample starts at step 1; shift by one so statistics arrive at step 0 as the engine sends them.
      const step = m.step - 1;
      if (statSteps.has(step)) out.push({ ...m, step, layers: m.layers.map((l) => ({ ...l, id: relayer(l.id) })) });
    } else if (m.type === 'histograms') out.push({ ...m, layers: m.layers.map((l) => ({ ...l, id: relayer(l.id) })) });
    else if (m.type === 'anomaly') {
      const a = m.anomaly;
      out.push({ ...m, anomaly: { ...a, layer: a.layer ? { ...a.layer, id: relayer(a.layer.id) } : undefined } });
    } else out.push(m);
  }
  return out;
}

/** Every SVG text in the panel's charts whose box leaves its own SVG, or the page, horizontally or vertically. */
async function clippedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const viewport = document.documentElement.clientWidth;
    for (const svg of Array.from(document.querySelectorAll<SVGSVGElement>('#gl-section-heatmap svg, #gl-section-loss svg'))) {
      const s = svg.getBoundingClientRect();
      for (const t of Array.from(svg.querySelectorAll<SVGTextElement>('text'))) {
        if (!t.textContent?.trim()) continue;
        const r = t.getBoundingClientRect();
        if (r.width === 0) continue;
        const where = `${svg.getAttribute('class')}: "${t.textContent}" [${Math.round(r.left)}, ${Math.round(r.right)}] in [${Math.round(s.left)}, ${Math.round(Math.min(s.right, viewport))}]`;
        if (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.right > viewport + 0.5) out.push(where);
        if (r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5) out.push(`${where} (vertically)`);
      }
    }
    return out;
  });
}

/** Step -> x (page px) from a chart's own axis ticks. */
async function axisOf(page: Page, axisSelector: string): Promise<(step: number) => number> {
  // A tick's origin on the page (its line's box would be off by half the stroke).
  const ticks = await page.$$eval(axisSelector, (ts) =>
    ts.map((t) => ({ step: Number(t.textContent), x: (t as SVGGElement).getScreenCTM()?.e ?? NaN })),
  );
  assert.ok(ticks.length >= 2, `${axisSelector}: ticks`);
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const k = (b.x - a.x) / (b.step - a.step);
  return (step) => a.x + (step - a.step) * k;
}

function centreX(page: Page, selector: string): Promise<{ step: number; x: number }[]> {
  return page.$$eval(selector, (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { step: Number(e.getAttribute('data-step')), x: r.left + r.width / 2 };
    }),
  );
}

for (const width of [DEFAULT_WIDTH, NARROW_WIDTH, NARROWEST_WIDTH]) {
  test(`heatmap rows of a 10-layer loop model read apart and nothing is clipped at ${width} px`, async () => {
    const page = await open(browser(), writePage(`loop-${width}`, { messages: loopRun() }), { width, height: 1100 });
    const labels = await page.$$eval('svg.gl-heatmap-svg g.row-label text', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.equal(labels.length, 20);
    assert.equal(new Set(labels).size, 20, `every row label is distinct: ${labels.join(' | ')}`);
    if (width >= NARROW_WIDTH) {
      assert.equal(labels[6], 'layers.6  Linear(64, 64)  :8');
      assert.equal(labels[7], 'layers.7  Sigmoid()  :9');
    } else {
      // The label column is capped: names are shortened in their middle, the path and the line stay whole.
      assert.match(labels[6], /^layers\.6  Lin.*….*  :8$/);
    }
    assert.deepEqual(await clippedTexts(page), []);
    // The Warnings list names the layer by its path too.
    assert.match(await page.$eval('li.gl-warning[data-kind="explodingGradient"] button.gl-link', (b) => b.textContent ?? ''), /^layers\.6 /);
    // The page does not scroll sideways either (a chart wider than the panel).
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
    await page.locator('#gl-section-heatmap').screenshot({ path: artifact(`heatmap-loop-${width}.png`) });
    await page.close();
  });
}

test('a marker at step s sits over the axis position of s in the heatmap and the loss chart, with uneven statistics', async () => {
  const page = await open(browser(), writePage('adaptive', { messages: loopRun() }), { width: DEFAULT_WIDTH, height: 1100 });
  const heatX = await axisOf(page, 'svg.gl-heatmap-svg g.x-axis g.tick');
  const lossX = await axisOf(page, 'svg.gl-loss-svg g.x-axis g.tick');
  const pxPerStep = heatX(1) - heatX(0);
  const runMarkers = await centreX(page, 'svg.gl-heatmap-svg path.run-marker');
  assert.deepEqual(runMarkers.map((m) => m.step).sort(), [149, 154]);
  for (const m of runMarkers) assert.ok(Math.abs(m.x - heatX(m.step + 0.5)) <= pxPerStep, `heatmap spike marker ${m.step} at ${m.x}, axis ${heatX(m.step + 0.5)}`);
  const lossMarkers = await centreX(page, 'svg.gl-loss-svg g.spike-marker');
  assert.deepEqual(lossMarkers.map((m) => m.step).sort(), [149, 154]);
  for (const m of lossMarkers) {
    assert.ok(Math.abs(m.x - lossX(m.step + 0.5)) <= pxPerStep, `loss spike marker ${m.step} at ${m.x}, axis ${lossX(m.step + 0.5)}`);
    const twin = runMarkers.find((r) => r.step === m.step);
    assert.ok(twin && Math.abs(twin.x - m.x) <= 1, `both charts mark step ${m.step} at the same x`);
  }
  const layerMarker = await centreX(page, 'svg.gl-heatmap-svg g.anomaly-marker');
  assert.equal(layerMarker.length, 1);
  assert.ok(Math.abs(layerMarker[0].x - heatX(153.5)) <= pxPerStep);
  // The cell under the axis position of step 153 holds step 153's statistics; at step 100 it is step 93's (held).
  const row = await page.$eval('svg.gl-heatmap-svg g.row-label[data-layer="layers.6"]', (g) => g.getBoundingClientRect().toJSON() as DOMRect);
  for (const [step, says] of [
    [153, /step 153 \(next statistics at step 173\)/],
    [100, /step 93 \(next statistics at step 113\)/],
    // Early on every step has its statistics: a cell of one step (about 2 px here, so within a step of the mouse).
    [10, /step (9|10|11)(?! \()Gradient/],
  ] as const) {
    await page.mouse.move(heatX(step + 0.5), row.y + row.height / 2);
    const tip = await page.$eval('.gl-tooltip', (t) => t.textContent ?? '');
    assert.match(tip, says, `hover at step ${step}: ${tip}`);
  }
  await page.close();
});

test('the exported heatmap SVG keeps its title, legend and labels inside the image', async () => {
  const page = await open(browser(), writePage('export-loop', { messages: loopRun(), vscode: true }), { width: NARROW_WIDTH, height: 1100 });
  await page.click('button[data-export="heatmap.svg"]');
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 1);
  const out = await posted(page);
  const svg = out.find((m) => m.type === 'export' && m.format === 'svg');
  assert.ok(svg?.type === 'export');
  // Lay the exported image out on its own and measure every text in it.
  const clipped = await page.evaluate((markup) => {
    const host = document.createElement('div');
    host.style.position = 'absolute';
    host.style.left = '0';
    host.style.top = '0';
    host.innerHTML = markup;
    document.body.append(host);
    const root = host.querySelector('svg');
    const r0 = root?.getBoundingClientRect();
    const bad: string[] = [];
    for (const t of Array.from(root?.querySelectorAll('text') ?? [])) {
      const r = t.getBoundingClientRect();
      if (!r0 || r.width === 0) continue;
      if (r.left < r0.left - 0.5 || r.right > r0.right + 0.5 || r.top < r0.top - 0.5 || r.bottom > r0.bottom + 0.5) bad.push(t.textContent ?? '');
    }
    host.remove();
    return bad;
  }, svg.data);
  assert.deepEqual(clipped, []);
  assert.ok(svg.data.includes('layers.6'), 'the export names the rows by path');
  await page.close();
});

test('in high contrast a disabled button does not look like an enabled one', async () => {
  const page = await open(browser(), writePage('hc-buttons', { messages: makeSampleRun({ layers: 4, steps: 20, unfinished: true }), vscode: true, bodyClass: 'vscode-high-contrast' }));
  const look = (id: string) =>
    page.$eval(`#${id}`, (b) => {
      const cs = getComputedStyle(b);
      return { disabled: b.hasAttribute('disabled'), outline: cs.outlineStyle, opacity: Number(cs.opacity) };
    });
  const pause = await look('gl-pause');
  const resume = await look('gl-resume');
  assert.equal(pause.disabled, false);
  assert.equal(resume.disabled, true);
  assert.notEqual(pause.outline, resume.outline);
  assert.ok(resume.opacity <= 0.5 && pause.opacity === 1, `opacity ${resume.opacity} vs ${pause.opacity}`);
  await page.close();
});
