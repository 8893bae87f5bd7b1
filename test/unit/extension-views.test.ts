// The text and state behind the editor views: model-file recognition, the run state folded from engine messages,
// status bar / Problems / decoration wording, and reading a run record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, EngineMessage } from '../../protocol/messages';
import { defaultExportLine, isModelSource, trainingLine } from '../../extension/editor/modelFile';
import { RunState, LAYER_HISTORY } from '../../extension/run/runState';
import { THROUGHPUT_WINDOW } from '../../protocol/throughput';
import { decorationText, diagnosticMessage, fmt, statusText, tensorSummaryText } from '../../extension/run/format';
import { parseRunRecord } from '../../host/run-record';
import { parseLearningRateAssignment } from '../../extension/debug/adapter';

const spike: Anomaly = {
  kind: 'lossSpike',
  step: 150,
  epoch: 0,
  rule: { id: 'llm-foundry.lossSpike', description: 'Loss at least 2x the windowed mean.', thresholds: { lossSpikeRatio: 2 }, source: 'llm-foundry' },
  evidence: { loss: 4.71, runningMean: 0.76, ratio: 6.2 },
  message: 'Loss spike at step 150: 4.71 is 6.2x the running mean',
  hint: 'Lower the learning rate or clip gradients',
};

test('model files are recognised by their gradlens import, in TS and JS forms', () => {
  assert.ok(isModelSource("import { nn } from 'gradlens';"));
  assert.ok(isModelSource('const { nn } = require("gradlens");'));
  assert.ok(isModelSource("import * as g from \"gradlens\""));
  assert.ok(!isModelSource("import { nn } from 'gradlens-extra';"));
  assert.ok(!isModelSource("// gradlens\nimport x from 'y';"));
});

test('the default export line is found (0-based)', () => {
  const text = "import { nn } from 'gradlens';\n\nconst m = 1;\nexport default defineTraining({\n});\n";
  assert.equal(defaultExportLine(text), 3);
  assert.equal(defaultExportLine('const a = 1;\nmodule.exports = {};'), 1);
  assert.equal(defaultExportLine('export const a = 1;'), undefined);
});

test("the Train | Debug lenses sit at a definition's export, else at the outermost loop around a script's backward()", () => {
  const loop = [
    "import { nn } from 'gradlens';",
    'for (const x of prep) clean(x);',
    'for (let epoch = 0; epoch < 3; epoch++) {',
    '  for (const [inputs, targets] of train_loader) {',
    '    loss_fn(model(inputs), targets).backward();',
    '    optimizer.step();',
    '  }',
    '}',
  ].join('\n');
  assert.equal(trainingLine(loop), 2, 'the epoch loop, not the data loop above it nor the inner batch loop');
  assert.equal(trainingLine("import { nn } from 'gradlens';\nexport default defineTraining({});\nx.backward();"), 1);
  assert.equal(trainingLine("import { nn } from 'gradlens';\nconst m = new nn.Linear(2, 1);"), undefined);
  const py = ['import torch', 'for epoch in range(3):', '    for inputs, targets in train_loader:', '        loss_fn(model(inputs), targets).backward()'].join('\n');
  assert.equal(trainingLine(py), 1, "a PyTorch script's epoch loop");
});

test('PyTorch scripts are model files: Python importing torch', () => {
  assert.ok(isModelSource('import torch\nfrom torch import nn\n'));
  assert.ok(isModelSource('from torch.utils.data import DataLoader\n'));
  assert.ok(!isModelSource('import torchvision_extra_helpers as t\n# torch\n'));
});

test('run state folds messages: graph, steps, history window, pause and end', () => {
  const s = new RunState('/w/m.ts');
  const msgs: EngineMessage[] = [
    { type: 'runStarted', runId: 'r1', modelFile: '/w/m.ts', startedAt: '', config: { epochs: 2, batchSize: 8, seed: 0, optimizer: 'SGD', lr: 0.1, backend: 'cpu', trainSize: 80, valSize: 0, histogramEvery: 10 } },
    { type: 'graph', graph: { layers: [{ id: '0', name: 'Linear(2, 4)', type: 'Linear', params: [], paramCount: 12, source: { file: '/w/m.ts', line: 4, column: 3 } }], totalParams: 12 } },
  ];
  for (let i = 0; i < LAYER_HISTORY + 3; i++) {
    msgs.push({ type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: 10, loss: 1 / (i + 1), lr: 0.1, samplesPerSec: 1000, stepMs: 1 });
    msgs.push({ type: 'layerStats', step: i, layers: [{ id: '0', gradNorm: i }] });
  }
  msgs.push({ type: 'anomaly', anomaly: spike });
  msgs.push({ type: 'paused', step: 10, reason: 'anomaly', description: spike.message, anomaly: spike, frames: [] });
  for (const m of msgs) s.apply(m);
  assert.equal(s.phase, 'paused');
  assert.equal(s.layer('0')?.source?.line, 4);
  const hist = s.layerHistory.get('0') ?? [];
  assert.equal(hist.length, LAYER_HISTORY);
  assert.equal(hist.at(-1)?.stats.gradNorm, LAYER_HISTORY + 2);
  assert.equal(s.totalSteps(), 20);
  assert.equal(s.totalSteps(5), 5);
  assert.match(statusText(s), /^epoch 1\/2 · step 10 · loss 0\.09091 · 1000 samples\/s · paused$/);
  s.apply({ type: 'resumed', step: 10 });
  assert.equal(s.phase, 'running');
  s.apply({ type: 'finished', reason: 'completed', step: 19, durationMs: 5 });
  assert.equal(s.phase, 'finished');
  assert.equal(s.anomalies.length, 1);
});

test('the status bar ends on the step the panel shows (the engine\'s count in finished), not one behind', () => {
  const s = new RunState('/w/m.ts');
  s.apply({ type: 'step', step: 374, epoch: 0, batch: 374, batchesPerEpoch: 375, loss: 0.5, lr: 0.1, samplesPerSec: 1000, stepMs: 1 });
  assert.match(statusText(s), / · step 374 · /);
  s.apply({ type: 'finished', reason: 'stopped', step: 375, durationMs: 400 });
  assert.match(statusText(s), / · step 375 · .* · stopped$/);
});

test('the status bar shows samples/s over recent steps while running and over the whole run once finished, not the last step alone', () => {
  const s = new RunState('/w/m.ts');
  const step = (i: number, ms: number): EngineMessage => ({ type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: 100, loss: 1, lr: 0.1, samplesPerSec: (64 * 1000) / ms, stepMs: ms });
  // 40 fast steps (1 ms, 64k samples/s), then a window's worth at 2 ms ending on one slow 64 ms step (1000 samples/s).
  for (let i = 0; i < 40; i++) s.apply(step(i, 1));
  for (let i = 40; i < 40 + THROUGHPUT_WINDOW - 1; i++) s.apply(step(i, 2));
  s.apply(step(40 + THROUGHPUT_WINDOW - 1, 64));
  const recentMs = 2 * (THROUGHPUT_WINDOW - 1) + 64;
  assert.equal(s.samplesPerSec(), (64 * THROUGHPUT_WINDOW * 1000) / recentMs);
  assert.match(statusText(s), new RegExp(` · ${Math.round((64 * THROUGHPUT_WINDOW * 1000) / recentMs)} samples/s$`));
  s.apply({ type: 'finished', reason: 'completed', step: 40 + THROUGHPUT_WINDOW - 1, durationMs: 200 });
  const allMs = 40 + recentMs;
  assert.equal(s.samplesPerSec(), (64 * (40 + THROUGHPUT_WINDOW) * 1000) / allMs);
  assert.match(statusText(s), new RegExp(` · ${Math.round((64 * (40 + THROUGHPUT_WINDOW) * 1000) / allMs)} samples/s · completed$`));
  // A step without a duration (a record from an engine that sent none) falls back to its own rate.
  const bare = new RunState('/w/m.ts');
  bare.apply({ ...step(0, 1), stepMs: 0, samplesPerSec: 500 } as EngineMessage);
  assert.equal(bare.samplesPerSec(), 500);
});

test('Problems text carries message, rule and evidence; decorations show norm and warning', () => {
  const text = diagnosticMessage(spike);
  assert.match(text, /^Loss spike at step 150/);
  assert.match(text, /Rule llm-foundry\.lossSpike/);
  assert.match(text, /Evidence: loss=4\.71, runningMean=0\.76, ratio=6\.2/);
  assert.equal(decorationText({ id: '0', gradNorm: 0.000012 }, []), '∇ 1.20e-5');
  assert.equal(decorationText({ id: '0', gradNorm: 2 }, [{ ...spike, kind: 'vanishingGradient' }]), '∇ 2  ⚠ Vanishing gradient');
  assert.equal(fmt(NaN), 'NaN');
  assert.equal(fmt(-Infinity), '-Inf');
});

test('tensor summaries read shape first', () => {
  const t = tensorSummaryText({ name: 'w', shape: [4, 2], mean: 0.5, std: 0.25, min: -1, max: 1, norm: 2, nanCount: 1, infCount: 0 });
  assert.equal(t, '[4, 2] mean=0.5 std=0.25 min=-1 max=1 norm=2 NaN=1 Inf=0');
});

test('run records: JSON lines, a torn last line is skipped, garbage is an error', () => {
  const good = '{"type":"step","step":0,"epoch":0,"batch":0,"batchesPerEpoch":1,"loss":1,"lr":0.1,"samplesPerSec":1,"stepMs":1}\n';
  assert.equal(parseRunRecord(good + '{"type":"ste').length, 1);
  assert.throws(() => parseRunRecord('nope\n' + good), /line 1 is not JSON/);
  assert.throws(() => parseRunRecord('\n'), /no messages/);
});

test('the Debug Console sets the learning rate with lr = x', () => {
  assert.equal(parseLearningRateAssignment('lr = 0.01'), 0.01);
  assert.equal(parseLearningRateAssignment('learning_rate=1e-3'), 0.001);
  assert.equal(parseLearningRateAssignment('lr 0.5'), 0.5);
  assert.equal(parseLearningRateAssignment('model.fc1.weight'), undefined);
  assert.equal(parseLearningRateAssignment('lr = -1'), undefined);
});

test('a long run keeps every anomaly but thins per-step telemetry beyond the retention limit', () => {
  const s = new RunState('/w/m.ts', 100);
  for (let i = 0; i < 1000; i++) {
    s.apply({ type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: 1000, loss: 1, lr: 0.1, samplesPerSec: 1, stepMs: 1 });
    s.apply({ type: 'layerStats', step: i, layers: [{ id: '0', gradNorm: 1 }] });
    if (i % 50 === 0) s.apply({ type: 'anomaly', anomaly: { ...spike, step: i } });
  }
  assert.ok(s.messages.length <= 100, String(s.messages.length));
  assert.equal(s.messages.filter((m) => m.type === 'anomaly').length, 20);
  const steps = s.messages.filter((m) => m.type === 'step').map((m) => (m.type === 'step' ? m.step : -1));
  assert.ok(steps.length >= 20, String(steps.length));
  assert.equal(steps[0], 0);
  assert.ok(steps.at(-1)! >= 900, 'recent steps are still there');
  assert.equal(s.lastStep?.step, 999);
});
