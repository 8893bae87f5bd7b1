// The seed documents' loop scripts in the real engine child (script mode), and gradlens.log from a loop: the
// scripts train in full (375 and 1,250 steps, about 2 s each) and print an accuracy within 1 point of PyTorch's
// (test/fixtures/pytorch_seeds_accuracy.json); a metric logged in the loop arrives as a `metrics` message at the
// step it was logged in (a tensor value read, NaN as null), is in the run record, and `gradlens train` prints it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, EXAMPLES, ROOT, ensureBuilt, killAll, ofType, runModel, tempDir } from './harness';

after(killAll);

const torchFigures = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'pytorch_seeds_accuracy.json'), 'utf8')) as Record<string, { median: number }>;

for (const [file, key, steps] of [
  ['seed-mnist-loop.ts', 'mnist-loop', 375],
  ['seed-linear-loop.ts', 'linear-loop', 1250],
] as const) {
  test(`${file} trains under the engine as a script and lands within 1 point of PyTorch`, async () => {
    const { messages } = await runModel(path.join(EXAMPLES, file));
    assert.deepEqual(ofType(messages, 'error').map((e) => e.error.message), []);
    assert.equal(ofType(messages, 'finished')[0]?.reason, 'completed');
    assert.equal(ofType(messages, 'step').length, steps, 'one step per optimizer.step()');
    const line = ofType(messages, 'log').map((l) => l.message).find((m) => m.startsWith('Test accuracy: '));
    const accuracy = Number(/Test accuracy: ([\d.]+)%/.exec(line ?? '')?.[1]) / 100;
    const reference = torchFigures[key].median;
    assert.ok(Math.abs(accuracy - reference) <= 0.01, `${file}: ${line}; PyTorch ${(reference * 100).toFixed(2)}%`);
  });
}

const LOOP = `import { torch, nn, optim, F, DataLoader, TensorDataset } from 'gradlens';
import * as gradlens from 'gradlens';
torch.manual_seed(0);
const x = torch.randn(64, 4);
const y = torch.tensor(Array.from({ length: 64 }, (_, i) => i % 2));
const loader = new DataLoader(new TensorDataset(x, y), { batch_size: 16 });
const model = new nn.Linear(4, 2);
const opt = new optim.SGD(model.parameters(), 0.1);
for (let epoch = 0; epoch < 2; epoch++) {
  let last = torch.tensor(0);
  for (const [inputs, targets] of loader) {
    opt.zero_grad();
    const loss = F.cross_entropy(model(inputs), targets);
    loss.backward();
    opt.step();
    last = loss.detach();
  }
  gradlens.log({ val_loss: last, val_acc: 0.5 + epoch / 4, broken: NaN });
}
`;

test('gradlens.log in a loop: metrics messages at the step, in the record, and printed by gradlens train', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'loop.ts');
  writeFileSync(file, LOOP);
  const { messages, recordPath } = await runModel(file);
  assert.deepEqual(ofType(messages, 'error').map((e) => e.error.message), []);
  const metrics = ofType(messages, 'metrics');
  assert.deepEqual(metrics.map((m) => [m.step, Object.keys(m.values)]), [
    [3, ['val_loss', 'val_acc', 'broken']],
    [7, ['val_loss', 'val_acc', 'broken']],
  ]);
  assert.equal(typeof metrics[0].values.val_loss, 'number');
  assert.equal(metrics[1].values.val_acc, 0.75);
  assert.equal(metrics[0].values.broken, null, 'NaN travels as null');
  assert.ok(recordPath);
  const recorded = readFileSync(recordPath, 'utf8').split('\n').filter((l) => l.includes('"type":"metrics"'));
  assert.equal(recorded.length, 2);

  ensureBuilt();
  const cli = spawnSync(process.execPath, [CLI, 'train', file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^step 3 \(epoch 1\): val_loss [\d.]+, val_acc 0\.5000, broken NaN$/m);
  assert.match(cli.stdout, /^step 7 \(epoch 2\): val_loss [\d.]+, val_acc 0\.7500, broken NaN$/m);
});
