// The two-thread hand-off (engine/backends/wasm/threads.ts) on the real helper worker: jobs the main thread finishes
// before the helper wakes must not run again when it does, and a round of chunks must not start before the round
// it depends on has finished. Each chunk is one call of the GEMM macro-kernel on hand-packed all-ones panels, so
// every result is an exact small integer and a call run twice, skipped or run early shows in the sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmRuntime } from '../../engine/backends/wasm/runtime';
import type { Call } from '../../engine/backends/wasm/threads';
import { NR } from '../../engine/backends/wasm/tile-step';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number): void => void Atomics.wait(sleeper, 0, 0, ms);

async function withRuntime(body: (rt: WasmRuntime) => void): Promise<void> {
  const rt = await WasmRuntime.create({ threads: 2 });
  try {
    assert.equal(rt.threads, 2, 'the helper thread started');
    body(rt);
  } finally {
    await rt.dispose();
  }
}

/** One register tile: C (mr x NR, row stride NR) (+)= A·B over kc steps, A and B packed at the given addresses. */
function tile(rt: WasmRuntime, kc: number, a: number, b: number, c: number, accumulate: boolean): Call {
  return [rt.fn('macro'), [1, 1, kc, a, b, c, NR * 4, accumulate ? 1 : 0]];
}

test('wasm threads: a job run alone before the helper wakes is never run again, and later jobs run exactly once', () =>
  withRuntime((rt) => {
    const mr = rt.variant.mr;
    const kc = 4;
    const ones = rt.heap.allocResident(kc * Math.max(mr, NR));
    ones.fill(1);
    const cs = [0, 1, 2, 3].map(() => rt.heap.allocResident(mr * NR));
    const at = (x: Float32Array): number => rt.heap.addressOf(x);
    const add = (c: Float32Array): Call => tile(rt, kc, at(ones), at(ones), at(c), true);
    const expected = [0, 0, 0, 0];
    for (let i = 0; i < 200; i++) {
      // Let the helper fall asleep (it spins well under 5 ms) or catch it still spinning.
      sleepMs([0, 0, 1, 5][i % 4]);
      if (i % 3 === 2) {
        rt.runParts([[add(cs[2])], [add(cs[3])]]);
        expected[2]++;
        expected[3]++;
      } else {
        rt.runRounds([[[add(cs[0])], [add(cs[1])]]]);
        expected[0]++;
        expected[1]++;
      }
    }
    cs.forEach((c, j) => assert.deepEqual([...new Set(c)], [expected[j] * kc], `region ${j}`));
    assert.ok(rt.jobsHelperMissed > 0, 'some jobs were finished before the helper woke');
  }));

test('wasm threads: a round starts only after every chunk of the round before it has finished', () =>
  withRuntime((rt) => {
    const mr = rt.variant.mr;
    const kc = 8;
    const ones = rt.heap.allocResident(kc * Math.max(mr, NR) * 4);
    ones.fill(1);
    const scratch = rt.heap.allocResident(mr * NR * 2);
    // Round 1 writes first[0] and first[1] (each mr x NR, all kc, or 2kc for the slow one); round 2 reads them,
    // crossed, as packed A panels of depth mr*NR/mr = NR: second[j] = NR * (value in first[1-j]).
    const first = [0, 1].map(() => rt.heap.allocResident(mr * NR));
    const second = [0, 1].map(() => rt.heap.allocResident(mr * NR));
    const at = (x: Float32Array): number => rt.heap.addressOf(x);
    for (let i = 0; i < 100; i++) {
      for (const f of first) f.fill(0);
      sleepMs(i % 5 === 0 ? 2 : 0);
      // Chunk 0 is quick; chunk 1 does busy work first, so chunk 0's thread reaches round 2 early.
      const busy: Call[] = Array.from({ length: 200 }, () => tile(rt, kc, at(ones), at(ones), at(scratch), true));
      const round1 = [[tile(rt, kc, at(ones), at(ones), at(first[0]), false)], [...busy, tile(rt, kc, at(ones), at(ones), at(first[1]), false)]];
      const round2 = [0, 1].map((j) => [tile(rt, NR, at(first[1 - j]), at(ones), at(second[j]), false)]);
      rt.runRounds([round1, round2]);
      for (const s of second) assert.deepEqual([...new Set(s)], [NR * kc], `iteration ${i}`);
    }
  }));

test('wasm threads: prewake wakes a sleeping helper, which then spins for the budget given before sleeping again', () =>
  withRuntime((rt) => {
    const ctl = new Int32Array(rt.heap.memory.buffer, 0, 16);
    const asleep = (): boolean => Atomics.load(ctl, 8) !== 0;
    /** Waits up to `ms` for `cond`; returns whether it held. */
    const within = (ms: number, cond: () => boolean): boolean => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        if (cond()) return true;
        sleepMs(0.2);
      }
      return cond();
    };
    assert.ok(within(2000, asleep), 'the idle helper goes to sleep');
    // About 0.2-1 s of spinning on any machine this runs on: long enough to see, short enough for a unit test.
    rt.prewake(100_000_000);
    assert.ok(within(2000, () => !asleep()), 'prewake woke the helper');
    sleepMs(20);
    assert.equal(asleep(), false, 'still spinning 20 ms later (a plain wake-up spins well under 5 ms)');
    assert.ok(within(20_000, asleep), 'asleep again once the budget is spent');
  }));
