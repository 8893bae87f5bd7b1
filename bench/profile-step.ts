// Profiles one bench workload's training step (bench/step-models.ts, the step the bench times):
//   node --experimental-wasm-relaxed-simd --import tsx bench/profile-step.ts cnn [seconds=4] [wasmThreads=1] \
//     [backend=wasm] [out.cpuprofile]
//   node bench/cpuprofile-top.mjs out.cpuprofile
// Warms up for 2 s first (V8 optimizes the engine's hot functions over the first ~1.5 s; see docs/benchmarks.md),
// then runs steps for `seconds`, with V8's sampling profiler on for exactly that part when an output file is given
// (node --cpu-prof would also profile start-up, module loading and the warm-up), and prints the min, median and
// mean step time as one JSON line, with the process's CPU time per step (user + system, all threads): on a
// machine shared with other work, wall-clock steps swing 2x with its load, while one thread's CPU time per step
// moves far less, so one-thread A/B comparisons read it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { BackendName } from '../protocol/messages';
import { inEngineEnv, warmUp, workloadStep } from './step-setup';

async function main(): Promise<void> {
  inEngineEnv();
  const [name = 'cnn', seconds = '4', threads = '1', backend = 'wasm', profileOut] = process.argv.slice(2);
  const step = await workloadStep(name, Number(threads), backend as BackendName | 'auto');
  warmUp(step);
  const session = new Session();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  if (profileOut) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  }
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const end = performance.now() + Number(seconds) * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  if (profileOut) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(profileOut, JSON.stringify(profile));
    session.disconnect();
  }
  times.sort((a, b) => a - b);
  const ms = (v: number): number => Math.round(v * 1000) / 1000;
  console.log(JSON.stringify({ workload: name, backend, threads: Number(threads), steps: times.length, minMs: ms(times[0]), medianMs: ms(times[times.length >> 1]), meanMs: ms(times.reduce((a, b) => a + b, 0) / times.length), cpuMsPerStep: ms((cpu.user + cpu.system) / 1000 / times.length) }));
  process.exit(0);
}

void main();
