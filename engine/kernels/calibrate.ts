// Start-up calibration: time every registered backend on each kernel at representative sizes (an MLP layer, an
// MNIST conv layer, a 100k-parameter optimizer step), pick the fastest per kernel with chooseBackend, and cache
// the choice in a JSON file keyed by Node version, CPU model and backend list, so later runs skip the timing.
// Budget: < 300 ms without a cache. A forced backend (the gradlens.backend setting) bypasses all of this.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BackendName } from '../../protocol/messages';
import type { Conv2DAttrs, KernelMap, KernelName, Pool2DAttrs } from './kernel-map';
import { KERNEL_NAMES } from './kernel-map';
import { cpuIdentity } from './cpu-identity';
import { chooseBackend, getBackend, registeredBackends } from './registry';
import { residentCopy, residentFloat32 } from '../storage';

export interface CalibrationResult {
  key: string;
  /** Backend chosen per kernel. */
  choice: Partial<Record<KernelName, BackendName>>;
  /** Median-of-runs milliseconds per kernel per backend (absent: not implemented or too slow to finish). */
  timingsMs: Partial<Record<KernelName, Partial<Record<BackendName, number>>>>;
  /** Time spent calibrating now (0 when read from the cache). */
  spentMs: number;
  fromCache: boolean;
  /** True when the time budget ran out before every kernel was timed (such a result is not cached). */
  partial: boolean;
}

const CACHE_FILE = 'kernel-calibration.json';
const CACHE_VERSION = 5;

export function calibrationKey(backends: BackendName[], extra = ''): string {
  const cpu = cpuIdentity();
  return `v${CACHE_VERSION}|node ${process.version}|${cpu}|${[...backends].sort().join(',')}${extra ? '|' + extra : ''}`;
}

function filled(len: number, seed: number): Float32Array {
  const out = new Float32Array(len);
  let s = seed;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** One closure per kernel that runs a representative call on a given backend. */
function workloads(): Record<KernelName, (k: Partial<KernelMap>) => void> {
  const conv: Conv2DAttrs = {
    n: 4, cIn: 10, h: 12, w: 12, cOut: 20, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0,
    dilationH: 1, dilationW: 1, groups: 1, outH: 8, outW: 8,
  };
  const pool: Pool2DAttrs = { n: 4, c: 20, h: 8, w: 8, kh: 2, kw: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, outH: 4, outW: 4 };
  const x = filled(4 * 10 * 144, 1), w = filled(20 * 10 * 25, 2), dy = filled(4 * 20 * 64, 3), bias = filled(20, 4);
  const a = filled(64 * 256, 5), b = filled(256 * 128, 6);
  const len = 50_000;
  // Parameters and optimizer state live in resident storage in real runs (engine/storage.ts): time them that way.
  const p = residentCopy(filled(len, 7)), g = filled(len, 8), m = residentFloat32(len), v = residentFloat32(len);
  const act = filled(64 * 256, 9), dAct = filled(64 * 256, 10);
  // One step of an LSTM(., 128) (and a GRU(., 128): the first 384 gate values of each row) over a batch of 64.
  const lstm = { batch: 64, hidden: 128 };
  const gatesPre = filled(64 * 512, 12), cell = filled(64 * 128, 13);
  // Two steps of that LSTM's whole recurrence (W_hh [512, 128], resident as a parameter is).
  const seq = { ...lstm, steps: 2 };
  const seqGates = filled(2 * 64 * 512, 14), seqStates = filled(3 * 64 * 128, 15), wHh = residentCopy(filled(512 * 128, 16));
  const pooled = filled(4 * 20 * 16, 11), argmax = Int32Array.from({ length: 4 * 20 * 16 }, (_, i) => ((i % 16) >> 2) * 16 + (i % 4) * 2);
  return {
    MatMul: (k) => k.MatMul!(a, b, { m: 64, k: 256, n: 128, transA: false, transB: false }),
    BiasGrad: (k) => k.BiasGrad!(dAct, { outer: 64, channels: 256, inner: 1 }),
    Conv2D: (k) => k.Conv2D!(x, w, bias, conv),
    Conv2DBackpropInput: (k) => k.Conv2DBackpropInput!(dy, w, conv),
    Conv2DBackpropFilter: (k) => k.Conv2DBackpropFilter!(x, dy, conv),
    MaxPool2D: (k) => k.MaxPool2D!(dy, pool),
    MaxPool2DBackward: (k) => k.MaxPool2DBackward!(pooled, argmax, pool),
    AdamUpdate: (k) =>
      k.AdamUpdate!(p, g, m, v, null, { lr: 1e-9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 }),
    SgdUpdate: (k) => k.SgdUpdate!(p, g, null, { lr: 1e-9, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true }),
    Relu: (k) => k.Relu!(act),
    ReluGrad: (k) => k.ReluGrad!(act, dAct),
    Activation: (k) => k.Activation!(act, { fn: 'tanh' }),
    ActivationGrad: (k) => k.ActivationGrad!(act, dAct, { fn: 'tanh' }),
    LstmCell: (k) => k.LstmCell!(gatesPre, gatesPre, cell, lstm),
    LstmCellGrad: (k) => k.LstmCellGrad!({ gOut: cell, dhRec: cell, dcIn: cell, gates: gatesPre, cPrev: cell, c: cell }, lstm),
    LstmSequence: (k) => k.LstmSequence!(seqGates, wHh, null, cell, cell, seq),
    LstmSequenceGrad: (k) => k.LstmSequenceGrad!({ gOut: seqStates, wHh, hs: seqStates, cs: seqStates, gates: seqGates }, { ...seq, weightGrad: true, biasGrad: true }),
    GruCell: (k) => k.GruCell!(gatesPre, gatesPre, cell, lstm),
    GruCellGrad: (k) => k.GruCellGrad!({ gOut: cell, dhRec: cell, gates: gatesPre, hn: cell, hPrev: cell }, lstm),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}

/**
 * What to run when calibration ran out of time (a busy machine at start-up): the wasm kernel wherever there is
 * one. Every wasm kernel beat the reference at the calibration sizes on every machine measured so far (a start
 * under load that fell back to the reference for the optimizer and ReLU halved MLP throughput).
 */
function prior(kernel: KernelName, backends: BackendName[]): BackendName {
  return backends.includes('wasm') && getBackend('wasm')?.kernels[kernel] ? 'wasm' : 'cpu';
}

/**
 * Times each candidate, fastest-expected first, so that a backend whose warm-up takes 20x the best so far can
 * be dropped for that kernel. Stops at the deadline; kernels not reached are left out (they get the prior).
 */
function measure(backends: BackendName[], deadline: number): CalibrationResult['timingsMs'] {
  const work = workloads();
  const order = (['wasm', 'gpujs', 'cpu'] as BackendName[]).filter((b) => backends.includes(b));
  const timings: CalibrationResult['timingsMs'] = {};
  for (const kernel of KERNEL_NAMES) {
    if (performance.now() > deadline) break;
    const row: Partial<Record<BackendName, number>> = {};
    let best = Infinity;
    for (const name of order) {
      const kernels = getBackend(name)?.kernels;
      if (!kernels?.[kernel]) continue;
      const t0 = performance.now();
      work[kernel](kernels); // warm-up (also compiles per-shape kernels)
      const warm = performance.now() - t0;
      if (warm > 20 * best) continue;
      // Two more untimed calls: V8 optimises a JS kernel only after a few calls, and timing the reference before
      // that made it look slower than it is (or a wasm hand-off look slower before its worker was spinning).
      work[kernel](kernels);
      work[kernel](kernels);
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        work[kernel](kernels);
        runs.push(performance.now() - t);
      }
      row[name] = median(runs);
      best = Math.min(best, row[name]);
    }
    timings[kernel] = row;
  }
  return timings;
}

/**
 * A backend replaces the prior (the wasm kernel where there is one, else the reference) only when it is clearly
 * faster: a few timed calls at start-up are at the mercy of whatever else the machine is doing, and a noisy win
 * gets cached. Measured here: a start beside five other busy processes put Adam on the reference, which halved
 * MLP throughput for every later run until the cache was cleared.
 */
const CLEAR_WIN = 0.75;

export function pickBackends(timings: CalibrationResult['timingsMs'], backends: BackendName[]): CalibrationResult['choice'] {
  const choice: CalibrationResult['choice'] = {};
  for (const kernel of KERNEL_NAMES) {
    const row = timings[kernel];
    const incumbent = prior(kernel, backends);
    if (!row) {
      choice[kernel] = incumbent;
      continue;
    }
    let best: BackendName = row[incumbent] !== undefined ? incumbent : 'cpu';
    let bestMs = (row[best] ?? Infinity) * CLEAR_WIN;
    for (const [name, ms] of Object.entries(row) as [BackendName, number][]) {
      if (ms < bestMs) {
        best = name;
        bestMs = ms;
      }
    }
    choice[kernel] = best;
  }
  return choice;
}

type CacheFile = { version: number; entries: Record<string, Pick<CalibrationResult, 'choice' | 'timingsMs'>> };

function readCache(file: string): CacheFile {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (data.version === CACHE_VERSION && data.entries && typeof data.entries === 'object') return data;
  } catch {
    // missing or unreadable: calibrate afresh
  }
  return { version: CACHE_VERSION, entries: {} };
}

function writeCache(file: string, data: CacheFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2));
  renameSync(tmp, file); // atomic: two engines starting together never read half a file
}

export interface CalibrateOptions {
  cacheDir?: string;
  /** Backends to consider (default: all registered). */
  backends?: BackendName[];
  /** Extra text for the cache key (e.g. the wasm thread count and tile). */
  keyExtra?: string;
  /** Stop timing after this long (default 250 ms); untimed kernels get a fixed prior choice. */
  budgetMs?: number;
}

/** Chooses a backend per kernel (from the cache when it has this machine's key) and applies the choice. */
export function calibrate(opts: CalibrateOptions = {}): CalibrationResult {
  const backends = opts.backends ?? registeredBackends();
  const key = calibrationKey(backends, opts.keyExtra);
  const file = opts.cacheDir ? path.join(opts.cacheDir, CACHE_FILE) : undefined;
  const cache = file ? readCache(file) : undefined;
  const hit = cache?.entries[key];
  let result: CalibrationResult;
  if (hit && KERNEL_NAMES.every((k) => hit.choice[k] && backends.includes(hit.choice[k]!))) {
    result = { key, choice: hit.choice, timingsMs: hit.timingsMs, spentMs: 0, fromCache: true, partial: false };
  } else {
    const t0 = performance.now();
    const timingsMs = measure(backends, t0 + (opts.budgetMs ?? 250));
    const partial = KERNEL_NAMES.some((k) => !timingsMs[k]);
    result = { key, choice: pickBackends(timingsMs, backends), timingsMs, spentMs: performance.now() - t0, fromCache: false, partial };
    if (file && cache && !partial) {
      cache.entries[key] = { choice: result.choice, timingsMs };
      try {
        writeCache(file, cache);
      } catch {
        // a read-only cache directory only costs a re-calibration next time
      }
    }
  }
  for (const kernel of KERNEL_NAMES) chooseBackend(kernel, result.choice[kernel] ?? 'cpu');
  return result;
}
