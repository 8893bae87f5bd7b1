// gradlens.log({ name: value }): values reach the installed sink as numbers; bad input is a TypeError naming the
// metric; both import forms of the gradlens module reach the same function.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as gradlens from '../../engine/index';
import { log } from '../../engine/index';
import { setLogSink } from '../../engine/log';

afterEach(() => setLogSink(null));

function capture(): Record<string, number>[] {
  const seen: Record<string, number>[] = [];
  setLogSink((v) => seen.push(v));
  return seen;
}

test('log passes numbers and one-element tensors to the sink as numbers, NaN and Infinity kept', () => {
  const seen = capture();
  log({ val_loss: 0.25, val_acc: gradlens.tensor(0.875), one: gradlens.tensor([3]) });
  gradlens.log({ diverged: NaN, huge: Infinity });
  assert.deepEqual(seen, [{ val_loss: 0.25, val_acc: 0.875, one: 3 }, { diverged: NaN, huge: Infinity }]);
});

test('log reads a tensor value once, at the call (a later in-place change does not alter what was logged)', () => {
  const seen = capture();
  const t = gradlens.tensor(1.5);
  log({ x: t });
  t.fill_(9);
  assert.equal(seen[0].x, 1.5);
});

test('log without a sink checks its argument and does nothing else', () => {
  assert.doesNotThrow(() => log({ a: 1 }));
  assert.throws(() => log({ a: 'x' as unknown as number }), TypeError);
});

test('bad input is a TypeError that names the metric and what it got', () => {
  const seen = capture();
  const cases: Array<[unknown, RegExp]> = [
    [{ acc: '0.9' }, /'acc' must be a number or a one-element tensor; got the string "0\.9"/],
    [{ acc: null }, /'acc' must be a number .*got null/],
    [{ acc: undefined }, /'acc' must be a number .*got undefined/],
    [{ acc: [0.9] }, /'acc' must be a number .*got an array/],
    [{ acc: gradlens.torch.zeros(2, 3) }, /'acc' is a tensor of shape \[2, 3\]; log one number/],
    [{ '': 1 }, /a metric name is empty/],
    [{ '  ': 1 }, /a metric name is empty/],
    [{}, /got an empty object/],
    [0.9, /expects an object of named numbers.*got number/],
    [null, /expects an object of named numbers.*got null/],
    [gradlens.tensor(1), /expects an object of named numbers.*got a tensor/],
  ];
  for (const [arg, message] of cases) {
    assert.throws(() => log(arg as Record<string, number>), (e: unknown) => e instanceof TypeError && message.test(e.message), String(JSON.stringify(arg)));
  }
  assert.deepEqual(seen, [], 'nothing reaches the sink from a call that throws');
});

test('the error is thrown from the caller, so its stack names the user line that called log', () => {
  let err: Error | undefined;
  try {
    log({ bad: 'x' as unknown as number });
  } catch (e) {
    err = e as Error;
  }
  const frames = (err?.stack ?? '').split('\n').filter((l) => l.includes('at '));
  assert.ok(frames.some((l) => l.includes('log.test.ts')), err?.stack);
});
