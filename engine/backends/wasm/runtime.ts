// One compiled kernel module, its instance on the main thread, the shared heap and the optional helper thread.
import { Helper, type Call } from './threads';
import { WasmHeap } from './heap';
import { buildKernelsModule, relaxedSimdAvailable, simdAvailable, type KernelVariant } from './kernels-module';

type Exported = (...args: number[]) => void;

export interface WasmRuntimeInfo {
  variant: KernelVariant;
  threads: number;
  moduleBytes: number;
  /** Why the helper thread could not start (the backend then runs on one thread). */
  helperError?: string;
}

/** The kernel variant for this runtime: FMA when relaxed SIMD is there (unless `fma` says otherwise), and the tile. */
export function kernelVariant(fma = relaxedSimdAvailable()): KernelVariant {
  // A 4x8 tile on every Node version. Beyond it Node 20's register allocator spills (with or without FMA), and so
  // does Node 22's with a 6x8 FMA tile: one thread, Zen 4, 2026-12-07, 256x256x256 23.7 against 50.1 GFLOP/s, the
  // MLP's 64x784x256 24.1 against 47.4, the two-thread MLP step 1.34 against 0.74 ms (min) on Node 22.23.5; Node
  // 24.21.0 holds 6x8 but runs it no faster (50.1 and 50.1, 44.8 and 44.3). Node 22 is an LTS that `gradlens` runs on.
  return { mr: 4, fma };
}

export class WasmRuntime {
  readonly heap = new WasmHeap();
  private readonly fns: Exported[];
  private helperError: string | undefined;
  private readonly index = new Map<string, number>();
  private readonly nonFinite: (addr: number, rows: number, vecs: number, rowBytes: number) => number;

  private constructor(
    readonly module: WebAssembly.Module,
    readonly variant: KernelVariant,
    readonly moduleBytes: number,
    private helper: Helper | null,
  ) {
    const inst = new WebAssembly.Instance(module, { env: { memory: this.heap.memory } });
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    this.fns = names.map((n) => inst.exports[n] as Exported);
    names.forEach((n, i) => this.index.set(n, i));
    this.nonFinite = inst.exports.nonFinite as (addr: number, rows: number, vecs: number, rowBytes: number) => number;
    this.heap.useBulk(inst.exports.zeroBytes as (dst: number, bytes: number) => void, inst.exports.copyBytes as (dst: number, src: number, bytes: number) => void);
  }

  /**
   * Whether `rows` rows of `cols` floats, `ld` floats apart, hold no NaN or ±Inf. Whole vectors are scanned, so
   * `ld` must leave room to round `cols` up to a multiple of 4 (padded GEMM outputs do); the over-read lanes can
   * only turn a "finite" into a "don't know" (false), never the reverse.
   */
  finiteRegion(addr: number, rows: number, cols: number, ld: number): boolean {
    if (ld < Math.ceil(cols / 4) * 4) throw new Error(`finiteRegion: row stride ${ld} is too short for ${cols} columns`);
    return this.nonFinite(addr, rows, Math.ceil(cols / 4), ld * 4) === 0;
  }

  /** Whether `count` contiguous floats hold no NaN or ±Inf (the tail beyond whole vectors is checked here). */
  finiteSpan(addr: number, count: number): boolean {
    const vecs = Math.floor(count / 4);
    if (this.nonFinite(addr, 1, vecs, vecs * 16) !== 0) return false;
    const f32 = this.heap.f32;
    for (let i = (addr >> 2) + vecs * 4; i < (addr >> 2) + count; i++) if (!Number.isFinite(f32[i])) return false;
    return true;
  }

  static async create(opts: { threads?: number; fma?: boolean } = {}): Promise<WasmRuntime> {
    if (!simdAvailable()) throw new Error('WebAssembly SIMD is not available in this runtime.');
    const variant = kernelVariant(opts.fma);
    const bytes = buildKernelsModule(variant);
    const module = await WebAssembly.compile(bytes);
    const rt = new WasmRuntime(module, variant, bytes.length, null);
    if ((opts.threads ?? 1) > 1) {
      try {
        rt.helper = await Helper.start(module, rt.heap.memory, WebAssembly.Module.exports(module).map((e) => e.name), (f, a) => rt.call(f, a));
      } catch (e) {
        // No worker threads here (or no shared memory across them): one thread still gives the SIMD kernels.
        rt.helperError = e instanceof Error ? e.message : String(e);
      }
    }
    return rt;
  }

  /** Two-thread jobs the main thread ran alone because the helper had not woken in time (a diagnostic). */
  get jobsHelperMissed(): number {
    return this.helper?.missed ?? 0;
  }

  get threads(): number {
    return this.helper ? 2 : 1;
  }

  info(): WasmRuntimeInfo {
    return { variant: this.variant, threads: this.threads, moduleBytes: this.moduleBytes, ...(this.helperError ? { helperError: this.helperError } : {}) };
  }

  fn(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`wasm kernel module has no export '${name}'`);
    return i;
  }

  call(fn: number, a: number[]): void {
    // A spread call into a wasm export takes V8's generic path: ~29 ns against ~10-13 ns with a fixed arity (a
    // 9-argument export in a tight loop, Zen 4, 2026-12-07). Small, but kernels make thousands of calls a step.
    const f = this.fns[fn];
    switch (a.length) {
      case 3: return f(a[0], a[1], a[2]);
      case 4: return f(a[0], a[1], a[2], a[3]);
      case 5: return f(a[0], a[1], a[2], a[3], a[4]);
      case 6: return f(a[0], a[1], a[2], a[3], a[4], a[5]);
      case 7: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      case 8: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
      case 9: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      case 10: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
      case 11: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
      case 12: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      case 14: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
      case 13: return f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
      default: return f(...a);
    }
  }

  /**
   * The ranges of `count` units that two-thread work splits into: two halves, the first rounded up to a multiple
   * of `align`, when there is a helper, more than one unit and at least `minWork` work (below it the hand-off costs
   * more than it saves); else the whole range. Each kernel picks the unit its outputs are owned by (elements,
   * planes, images, channel pairs), so every output is computed by one thread in one order.
   */
  halves(count: number, work: number, minWork: number, align = 1): Array<[number, number]> {
    if (!this.helper || count < 2 || work < minWork) return [[0, count]];
    const mid = Math.ceil(count / 2 / align) * align;
    return [[0, mid], [mid, count]];
  }

  /** See Helper.prewake: a two-thread job follows within about `spins` helper spin iterations. */
  prewake(spins: number): void {
    this.helper?.prewake(spins);
  }

  /**
   * Runs two independent parts, one per thread: part 0 here, part 1 on the helper, except that a thread done with
   * its part takes the other's if it has not been started (a helper slow to wake leaves both to this thread).
   */
  runParts(parts: Call[][]): void {
    if (parts.length === 1 || !this.helper) {
      for (const part of parts) for (const [f, a] of part) this.call(f, a);
      return;
    }
    if (this.helper.runRounds([parts])) return;
    // Too many calls for the command area as one job: the helper takes part 1 in pieces.
    this.helper.runAlongside(parts[1], () => {
      for (const [f, a] of parts[0]) this.call(f, a);
    });
  }

  /**
   * Runs rounds of independent chunks of calls, claimed one at a time by whichever thread is free; a round starts
   * when the one before it has finished (see Helper.runRounds). In order here when there is no helper. `reused`:
   * the caller runs this same rounds object again unchanged (the helper then keeps its encoding).
   */
  runRounds(rounds: Call[][][], reused = false): void {
    // Counted, not flattened: a cached GEMM plan comes through here every call.
    const chunks = rounds.reduce((sum, round) => sum + round.length, 0);
    if (this.helper && chunks > 1 && this.helper.runRounds(rounds, reused)) return;
    for (const round of rounds) for (const chunk of round) for (const [f, a] of chunk) this.call(f, a);
  }

  async dispose(): Promise<void> {
    await this.helper?.stop();
    this.helper = null;
  }
}
