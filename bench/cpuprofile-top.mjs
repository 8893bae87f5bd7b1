// Summarises a V8 .cpuprofile (from `node --cpu-prof`) as the top functions by self time, with their share of the
// profiled time, so a step profile can be written down in docs/benchmarks.md:
//   node bench/cpuprofile-top.mjs [--top 25] PROFILE.cpuprofile...
// Several files (the main thread's and a worker's profile: --cpu-prof writes one per thread) are summarised one by one.
// --callers NAME [--depth D]: instead, the self time of functions named NAME split by their caller D frames up
// (default 1; which kernel's copies `put` and `copyOut` are, for example).
// Wasm functions appear under their names in the module (the emitter names them, e.g. `kernel` for the GEMM
// micro-kernel, `convFilterGrad`, `lstmCell`); `(program)` and `(garbage collector)` are V8's own time; `(idle)`
// is time the thread waited (Atomics.wait for the helper thread).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const topAt = argv.indexOf('--top');
const top = topAt >= 0 ? Number(argv.splice(topAt, 2)[1]) : 25;
const callersAt = argv.indexOf('--callers');
const callersOf = callersAt >= 0 ? argv.splice(callersAt, 2)[1] : null;
const depthAt = argv.indexOf('--depth');
const depth = depthAt >= 0 ? Number(argv.splice(depthAt, 2)[1]) : 1;
if (argv.length === 0) {
  console.error('usage: node bench/cpuprofile-top.mjs [--top N] PROFILE.cpuprofile...');
  process.exit(2);
}
for (const file of argv) summarise(file);

function summarise(file) {
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
const selfUs = new Map();
// timeDeltas[i] is the time before sample i; attribute it to the sample's node.
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const byFn = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  let { callFrame: f } = byId.get(id);
  if (callersOf) {
    if (f.functionName !== callersOf) continue;
    let up = byId.get(id);
    for (let d = 0; d < depth && up; d++) up = parentOf.get(up.id);
    f = up?.callFrame ?? { functionName: '(root)', url: '', lineNumber: -1 };
  }
  const where = f.url ? `${f.url.replace(/^.*\/(engine|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  total += us;
}
const rows = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
for (const [key, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
