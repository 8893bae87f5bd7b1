// Where one training step of a bench workload spends its time, kernel by kernel (bench/step-models.ts, the step the
// bench times), on the wasm backend:
//   node --experimental-wasm-relaxed-simd --single-threaded-gc --import tsx bench/kernel-times.ts cnn [threads=2] [seconds=4]
// Warms up for 2 s, then times every kernel call (wall clock, the helper thread's share included) and the heap's
// copies (`WasmHeap.put` into the heap, `copyOut` out of it; these run inside the kernels, so their time is also
// in the kernels' rows), and prints the step's min and median and each row's microseconds and calls per step.
// A V8 CPU profile (bench/profile-step.ts) shows the main thread's functions instead; this shows the kernels whole.
// Compare runs taken minutes apart with care: this VM's phases move whole steps by 30-50%.
import { getBackend } from '../engine/kernels/registry';
import { WasmHeap } from '../engine/backends/wasm/heap';
import { inEngineEnv, warmUp, workloadStep } from './step-setup';

interface Row {
  ms: number;
  calls: number;
}

const rows = new Map<string, Row>();
let recording = false;

/** Replaces `obj[key]` (a function) by one that adds its wall time to row `label` while recording. */
function timed<T extends object>(obj: T, key: keyof T & string, label: string): void {
  const fn = obj[key] as unknown as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (!recording) return fn.apply(this, args);
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      const row = rows.get(label) ?? { ms: 0, calls: 0 };
      row.ms += performance.now() - t0;
      row.calls++;
      rows.set(label, row);
    }
  };
  (obj as Record<string, unknown>)[key] = wrapped;
}

async function main(): Promise<void> {
  inEngineEnv();
  const [name = 'cnn', threads = '2', seconds = '4'] = process.argv.slice(2);
  const step = await workloadStep(name, Number(threads));
  const kernels = getBackend('wasm')?.kernels;
  if (!kernels) throw new Error('the wasm backend did not start');
  for (const k of Object.keys(kernels) as Array<keyof typeof kernels & string>) timed(kernels, k, k);
  timed(WasmHeap.prototype, 'put', 'copies into the heap (inside the kernels above)');
  timed(WasmHeap.prototype, 'copyOut', 'copies out of the heap (inside the kernels above)');
  warmUp(step);
  recording = true;
  const times: number[] = [];
  const end = performance.now() + Number(seconds) * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  recording = false;
  times.sort((a, b) => a - b);
  const steps = times.length;
  console.log(`${name}, wasm on ${threads} thread(s): ${steps} steps, min ${times[0].toFixed(3)} ms, median ${times[steps >> 1].toFixed(3)} ms`);
  for (const [label, row] of [...rows].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${label.padEnd(52)} ${((1000 * row.ms) / steps).toFixed(0).padStart(7)} us ${(row.calls / steps).toFixed(1).padStart(6)} calls`);
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
