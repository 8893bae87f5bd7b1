// A synthetic but realistic recorded run (the EngineMessage stream of an MLP training): used by the webview tests,
// the render benchmark, and to make a sample HTML report by hand:
//   node --import tsx scripts/make-sample-run.ts out.html [--layers 12] [--steps 600] [--theme dark]
// Values follow known formulas so tests can check what is drawn against what was sent.
import type {
  Anomaly,
  AnomalyKind,
  EngineMessage,
  Histogram,
  LayerHistograms,
  LayerInfo,
  LayerStats,
} from '../protocol/messages';

export interface SampleAnomaly {
  step: number;
  kind: AnomalyKind;
  /** Index into the layer rows (0 = first leaf layer); absent for run-level anomalies such as lossSpike. */
  layer?: number;
}

export interface SampleOptions {
  /** Leaf layers (alternating Linear and ReLU, Linear last). */
  layers: number;
  steps: number;
  batchesPerEpoch?: number;
  histogramEvery?: number;
  bins?: number;
  anomalies?: SampleAnomaly[];
  /** Leave the run open (no `finished`): a live run that is still going. */
  unfinished?: boolean;
  seed?: number;
  modelFile?: string;
}

export const SAMPLE_MODEL_FILE = '/work/examples/mlp.ts';

/** Deterministic PRNG (mulberry32) so the same options give the same run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleLayers(n: number, modelFile = SAMPLE_MODEL_FILE): LayerInfo[] {
  const layers: LayerInfo[] = [
    { id: 'net', name: 'Sequential', type: 'Sequential', params: [], paramCount: 0, source: { file: modelFile, line: 5, column: 15 } },
  ];
  let width = 784;
  for (let i = 0; i < n; i++) {
    const linear = i % 2 === 0 || i === n - 1;
    const out = i === n - 1 ? 10 : Math.max(16, 256 >> Math.floor(i / 8));
    layers.push(
      linear
        ? {
            id: `net.${i}`,
            name: `Linear(${width}, ${out})`,
            type: 'Linear',
            parent: 'net',
            params: [
              { name: 'weight', shape: [out, width] },
              { name: 'bias', shape: [out] },
            ],
            paramCount: out * width + out,
            source: { file: modelFile, line: 6 + i, column: 5 },
          }
        : {
            id: `net.${i}`,
            name: 'ReLU()',
            type: 'ReLU',
            parent: 'net',
            params: [],
            paramCount: 0,
            source: { file: modelFile, line: 6 + i, column: 5 },
          },
    );
    if (linear) width = out;
  }
  return layers;
}

/** The gradient norm the sample sends for a leaf layer at a step (before anomalies are applied). */
export function baseGradNorm(layer: number, layers: number, step: number): number {
  // Earlier layers get smaller gradients (mild vanishing), and every layer's gradient shrinks as training converges.
  return Math.pow(10, -0.5 - (2.5 * (layers - 1 - layer)) / Math.max(1, layers - 1)) * (0.3 + 0.7 * Math.exp(-step / 400));
}

function histogram(r: () => number, centre: number, spread: number, bins: number, zeroFrac: number, n = 512): Histogram {
  const min = centre - 3 * spread;
  const max = centre + 3 * spread;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    // Sum of uniforms ~ normal; ReLU layers pile their zeros into the bin holding 0.
    const v = r() < zeroFrac ? 0 : centre + spread * ((r() + r() + r() + r() - 2) * 1.7);
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - min) / (max - min)) * bins)));
    counts[b]++;
  }
  return { min, max, counts };
}

export function makeSampleRun(o: SampleOptions): EngineMessage[] {
  const r = rng(o.seed ?? 7);
  const modelFile = o.modelFile ?? SAMPLE_MODEL_FILE;
  const bpe = o.batchesPerEpoch ?? 100;
  const histEvery = o.histogramEvery ?? 10;
  const bins = o.bins ?? 24;
  const layers = sampleLayers(o.layers, modelFile);
  const leaves = layers.slice(1);
  const anomalies = o.anomalies ?? [];
  const out: EngineMessage[] = [];
  out.push({ type: 'hello', protocolVersion: 1, engine: 'gradlens', version: '0.1.0', capabilities: ['histograms'], pid: 4242 });
  out.push({
    type: 'runStarted',
    runId: 'sample-run',
    modelFile,
    startedAt: '2026-01-01T00:00:00.000Z',
    config: {
      epochs: Math.ceil(o.steps / bpe),
      batchSize: 64,
      seed: 1,
      optimizer: 'Adam',
      lr: 1e-3,
      backend: 'cpu',
      trainSize: bpe * 64,
      valSize: 1000,
      histogramEvery: histEvery,
    },
  });
  out.push({ type: 'graph', graph: { layers, totalParams: layers.reduce((a, l) => a + l.paramCount, 0) } });
  out.push({ type: 'kernels', backends: { matMul: 'cpu', relu: 'cpu', add: 'cpu', softmax: 'cpu', conv2d: 'wasm' } });

  const byStep = new Map<number, SampleAnomaly[]>();
  for (const a of anomalies) byStep.set(a.step, [...(byStep.get(a.step) ?? []), a]);
  let prevLoss = 2.3;
  for (let step = 1; step <= o.steps; step++) {
    const epoch = Math.floor((step - 1) / bpe); // the protocol counts epochs from 0
    const here = byStep.get(step) ?? [];
    const spike = here.some((a) => a.kind === 'lossSpike');
    const trend = 2.2 * Math.exp(-step / 300) + 0.12;
    const loss = spike ? trend * 6 : trend * (1 + 0.15 * (r() - 0.5));
    const lr = 1e-3 * (0.5 + 0.5 * Math.cos((Math.PI * (step - 1)) / o.steps));
    out.push({
      type: 'step',
      step,
      epoch,
      batch: (step - 1) % bpe, // the protocol counts batches from 0
      batchesPerEpoch: bpe,
      loss,
      lr,
      samplesPerSec: 5000 + 400 * (r() - 0.5),
      stepMs: 12,
    });
    const stats: LayerStats[] = leaves.map((l, i) => {
      const hasParams = l.paramCount > 0;
      const g = baseGradNorm(i, leaves.length, step) * (1 + 0.2 * (r() - 0.5));
      const exploding = here.some((a) => a.layer === i && a.kind === 'explodingGradient');
      const dead = here.some((a) => a.layer === i && a.kind === 'deadRelu') ? 0.97 : 0;
      const zeroFrac = l.type === 'ReLU' ? Math.max(dead, 0.3 + (0.4 * i) / leaves.length) : 0;
      const s: LayerStats = {
        id: l.id,
        act: {
          mean: l.type === 'ReLU' ? 0.4 / (1 + i * 0.1) : 0.05 * (r() - 0.5),
          std: 1 / (1 + i * 0.15),
          min: -3,
          max: 3,
          zeroFrac,
          satFrac: 0,
          nonFinite: 0,
        },
        outGradNorm: (exploding ? 1e3 : g) * 1.3,
      };
      if (hasParams) {
        s.gradNorm = exploding ? 1e3 : g;
        s.gradMeanAbs = s.gradNorm / 100;
        s.gradZeroFrac = 0;
        s.weightNorm = 5 + i * 0.5 + step / o.steps;
        s.updateRatio = (lr * g) / s.weightNorm;
      }
      return s;
    });
    out.push({ type: 'layerStats', step, layers: stats });
    if (step % histEvery === 0 || step === 1) {
      const hs: LayerHistograms[] = leaves.map((l, i) => ({
        id: l.id,
        activation: histogram(r, l.type === 'ReLU' ? 0.5 : 0, 1 / (1 + i * 0.15) + step / (4 * o.steps), bins, l.type === 'ReLU' ? 0.35 : 0),
        gradient: histogram(r, 0, baseGradNorm(i, leaves.length, step), bins, 0),
      }));
      out.push({ type: 'histograms', step, layers: hs });
    }
    for (const a of here) out.push({ type: 'anomaly', anomaly: sampleAnomaly(a, epoch, leaves, loss, prevLoss) });
    prevLoss = loss;
    if (step % bpe === 0) {
      out.push({
        type: 'epoch',
        epoch,
        step,
        train: { loss: trend, accuracy: 0.7 + 0.25 * (1 - Math.exp(-step / 300)) },
        val: { loss: trend * 1.08 + 0.02, accuracy: 0.68 + 0.25 * (1 - Math.exp(-step / 300)) },
        durationMs: 1200,
      });
    }
  }
  if (!o.unfinished) out.push({ type: 'finished', reason: 'completed', step: o.steps, durationMs: o.steps * 12 });
  return out;
}

function sampleAnomaly(a: SampleAnomaly, epoch: number, leaves: LayerInfo[], loss: number, prev: number): Anomaly {
  const layer = a.layer === undefined ? undefined : leaves[a.layer];
  const ref = layer ? { id: layer.id, name: layer.name, source: layer.source } : undefined;
  switch (a.kind) {
    case 'lossSpike':
      return {
        kind: 'lossSpike',
        step: a.step,
        epoch,
        rule: {
          id: 'gradlens.lossSpike',
          description: 'The loss jumps far above its recent running mean.',
          thresholds: { lossSpikeRatio: 3, lossSpikeWindow: 50 },
          source: 'TensorBoard-style EWMA outlier test',
        },
        evidence: { loss, runningMean: prev, ratio: loss / prev },
        message: `Loss spike at step ${a.step}: ${loss.toFixed(2)} is ${(loss / prev).toFixed(1)}x the running mean`,
        hint: 'Lower the learning rate or clip gradients',
        phase: 'loss',
      };
    case 'deadRelu':
      return {
        kind: 'deadRelu',
        step: a.step,
        epoch,
        layer: ref,
        rule: {
          id: 'gradlens.deadRelu',
          description: 'Most units of a ReLU layer output exactly zero for every input.',
          thresholds: { deadLayerFrac: 0.9 },
          source: 'Lu et al. 2019, "Dying ReLU and initialization"',
        },
        evidence: { zeroFrac: 0.97 },
        message: `${ref?.name ?? 'layer'}: 97% of outputs are zero`,
        hint: 'Use LeakyReLU or a smaller learning rate; check the initialisation',
      };
    default:
      return {
        kind: a.kind,
        step: a.step,
        epoch,
        layer: ref,
        rule: {
          id: `gradlens.${a.kind}`,
          description: 'The gradient norm of a layer exceeds the threshold.',
          thresholds: { explodingNorm: 100, explodingRatio: 10 },
          source: 'AutoTrainer (Zhang et al., ICSE 2021)',
        },
        evidence: { gradNorm: 1000, threshold: 100 },
        message: `${ref?.name ?? 'layer'}: gradient norm 1000 exceeds 100 at step ${a.step}`,
        hint: 'Clip gradients (clipGradNorm) or lower the learning rate',
        phase: 'backward',
      };
  }
}

async function main(argv: string[]): Promise<void> {
  const file = argv[0];
  if (!file) {
    console.error('usage: make-sample-run.ts out.html|out.json [--layers N] [--steps N] [--theme light|dark]');
    process.exit(2);
  }
  const arg = (name: string, d: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
  };
  const layers = Number(arg('layers', '12'));
  const steps = Number(arg('steps', '600'));
  const messages = makeSampleRun({
    layers,
    steps,
    anomalies: [
      { step: Math.round(steps * 0.4), kind: 'explodingGradient', layer: Math.min(2, layers - 1) },
      { step: Math.round(steps * 0.4), kind: 'lossSpike' },
      { step: Math.round(steps * 0.75), kind: 'deadRelu', layer: Math.min(3, layers - 1) },
    ],
  });
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  if (file.endsWith('.json')) writeFileSync(file, JSON.stringify(messages));
  else {
    const { renderReportHtml } = await import('../webview/report');
    const theme = arg('theme', '');
    const html = renderReportHtml(messages, {
      title: 'Gradlens sample run',
      bundlePath: path.resolve(path.dirname(process.argv[1]), '..', 'dist', 'webview.js'),
      theme: theme === 'light' || theme === 'dark' ? theme : undefined,
    });
    writeFileSync(file, html);
  }
  console.log(`wrote ${file} (${messages.length} messages)`);
}

if (typeof process !== 'undefined' && process.argv[1] && /make-sample-run\.ts$/.test(process.argv[1])) {
  void main(process.argv.slice(2));
}
