// The detectors judged on both sides with the bundled examples: the broken vanishing-sigmoid stack is flagged
// at its early layers; the healthy MLP and CNN train without vanishing/exploding/dead warnings; a learning-rate
// jump makes a loss spike; a converged run and a batch-size-4 run raise none of the "not learning" warnings.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { EXAMPLES, ofType, runModel, killAll } from './harness';

after(killAll);

const QUIET_ON_HEALTHY = ['vanishingGradient', 'explodingGradient', 'deadRelu'];
/** What a run that learns and then converges must not be told: it is not stuck, bouncing or frozen. */
const QUIET_WHEN_CONVERGED = ['vanishingGradient', 'explodingGradient', 'deadRelu', 'lossPlateau', 'oscillation', 'updateRatio', 'lossSpike'];

test('vanishing-sigmoid: vanishing gradients flagged at its early layers, pointing at their lines', async () => {
  const file = path.join(EXAMPLES, 'vanishing-sigmoid.ts');
  const { messages } = await runModel(file, { maxSteps: 40 });
  const vanishing = ofType(messages, 'anomaly').map((a) => a.anomaly).filter((a) => a.kind === 'vanishingGradient');
  assert.ok(vanishing.length > 0, 'flagged');
  const ids = new Set(vanishing.map((a) => a.layer?.id));
  // Sequential(Flatten, Linear, Sigmoid, Linear, ...): the first Linear is "1", the second "3".
  assert.ok(ids.has('1') && ids.has('3'), [...ids].join(','));
  assert.ok(!ids.has('21'), 'the output layer gets healthy gradients');
  for (const a of vanishing) assert.equal(a.layer?.source?.file, file);
  const first = vanishing.find((a) => a.layer?.id === '1');
  assert.ok(first && first.step < 10, 'the first layer is flagged within the first steps');
});

for (const [name, steps] of [['mnist-mlp.ts', 125], ['mnist-cnn.ts', 40]] as const) {
  test(`${name}: trains without vanishing, exploding or dead-ReLU warnings`, async () => {
    const { messages } = await runModel(path.join(EXAMPLES, name), { maxSteps: steps });
    const fin = ofType(messages, 'finished')[0];
    assert.equal(fin.reason, 'completed');
    const bad = ofType(messages, 'anomaly').map((a) => a.anomaly).filter((a) => QUIET_ON_HEALTHY.includes(a.kind));
    assert.deepEqual(bad.map((a) => `${a.kind} ${a.layer?.id} step ${a.step}: ${a.message}`), []);
    const losses = ofType(messages, 'step').map((s) => s.loss);
    assert.ok(losses[losses.length - 1] < losses[0] * 0.6, 'and it learns');
  });
}

test('lr-spike: the learning-rate jump at step 150 triggers lossSpike right after it', async () => {
  const { messages } = await runModel(path.join(EXAMPLES, 'lr-spike.ts'), { maxSteps: 200 });
  const spikes = ofType(messages, 'anomaly').map((a) => a.anomaly).filter((a) => a.kind === 'lossSpike');
  assert.ok(spikes.length >= 1, 'spike reported');
  assert.ok(spikes[0].step > 150 && spikes[0].step < 160, `first spike at ${spikes[0].step}`);
  assert.ok((spikes[0].evidence.ratio as number) >= 2);
});

test('binary-classifier: 30 epochs of a converging run raise no lossSpike (the baseline follows the run\'s noise)', async () => {
  // It used to stop F5 at "Loss spike at step 617: 0.0876 is 5.09x the running EWM (0.0172)".
  const { messages } = await runModel(path.join(EXAMPLES, 'binary-classifier.ts'));
  assert.equal(ofType(messages, 'finished')[0].reason, 'completed');
  const spikes = ofType(messages, 'anomaly').map((a) => a.anomaly).filter((a) => a.kind === 'lossSpike');
  assert.deepEqual(spikes.map((a) => a.message), []);
});

for (const [label, file, epochs] of [
  ['binary-classifier.ts, 60 epochs (converged)', path.join(EXAMPLES, 'binary-classifier.ts'), 60],
  ['binary-classifier.ts, batch size 4', path.join(EXAMPLES, '..', 'bench', 'replay-models', 'binary-classifier-bs4.ts'), undefined],
] as const) {
  test(`${label}: no plateau, oscillation, update-ratio, vanishing, dead or spike warnings on a healthy run`, async () => {
    // Replayed before the converged-run gates (bench/detectors-replay.ts): the batch-size-4 run got a lossPlateau at
    // step 519, and long converged runs got plateau, vanishing and dying-ReLU warnings by the hundred.
    const { messages } = await runModel(file, epochs ? { epochs } : {});
    assert.equal(ofType(messages, 'finished')[0].reason, 'completed');
    const bad = ofType(messages, 'anomaly').map((a) => a.anomaly).filter((a) => QUIET_WHEN_CONVERGED.includes(a.kind));
    assert.deepEqual(bad.map((a) => `${a.kind} step ${a.step}: ${a.message}`), []);
  });
}
