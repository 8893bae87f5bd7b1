// Every bundled example runs in the engine process and learns: a short run of each, its loss going down.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { EXAMPLES, killAll, ofType, runModel } from './harness';

after(killAll);

const CASES: Array<[file: string, steps: number]> = [
  ['logistic-regression.ts', 60],
  ['binary-classifier.ts', 60],
  ['lstm-sequence.ts', 60],
  ['vae-mnist.ts', 30],
];

for (const [file, steps] of CASES) {
  test(`${file} runs and its loss falls`, async () => {
    const { messages } = await runModel(path.join(EXAMPLES, file), { maxSteps: steps });
    assert.deepEqual(ofType(messages, 'error').map((e) => e.error.message), []);
    assert.equal(ofType(messages, 'finished')[0].reason, 'completed');
    const losses = ofType(messages, 'step').map((s) => s.loss);
    assert.equal(losses.length, steps);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const head = mean(losses.slice(0, 5));
    const tail = mean(losses.slice(-5));
    assert.ok(tail < head * 0.8, `loss ${head.toFixed(3)} -> ${tail.toFixed(3)}`);
    assert.ok(ofType(messages, 'epoch').length >= 1);
  });
}
