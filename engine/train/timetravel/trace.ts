// The traced replay of a step: while time travel replays the steps from a snapshot up to the bad one, each layer's
// parameter-gradient norm is kept per step; the bad step itself runs with every op's output summarised (forward
// and backward, in execution order) through autograd's op tracer. OLMo 2 reports that gradient-norm spikes come
// before loss spikes: gradJumps says which layer's norm left its own range first, and at which step.
import type { LayerGradTrace, OpTraceEntry, StepTrace } from '../../../protocol/messages';
import { setOpTracer } from '../../autograd';
import type { AnyModule } from '../../nn/module';
import { layerId } from '../graph';

/** Ops kept in one trace (a large model's step has thousands; the first non-finite one is always kept). */
export const MAX_TRACED_OPS = 3000;
/** A layer's gradient norm "jumps" when it is this many times its median over the earlier replayed steps. */
export const GRAD_JUMP_RATIO = 10;
/** Earlier steps a median needs before a jump is judged. */
const MIN_HISTORY = 3;

function summarise(op: string, phase: 'forward' | 'backward', layer: string | undefined, data: Float32Array, shape: readonly number[]): OpTraceEntry {
  let n = 0;
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      bad++;
      continue;
    }
    n++;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : NaN;
  return {
    op,
    phase,
    ...(layer !== undefined ? { layerId: layer } : {}),
    shape: [...shape],
    mean,
    std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : NaN,
    min: n ? min : NaN,
    max: n ? max : NaN,
    nonFinite: bad,
  };
}

function gradNorm(m: AnyModule): number | undefined {
  let sq = 0;
  let any = false;
  for (const [, p] of m.named_own_parameters()) {
    const g = p._grad?.data;
    if (!g) continue;
    any = true;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  return any ? Math.sqrt(sq) : undefined;
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

export class StepTracer {
  private ops: OpTraceEntry[] = [];
  private opsLeftOut = 0;
  private firstNonFinite: number | undefined;
  private readonly norms = new Map<AnyModule, Map<number, number>>();
  private readonly losses = new Map<number, number>();
  private started = false;

  constructor(
    /** The step traced. */
    readonly step: number,
    private readonly layers: () => readonly AnyModule[],
  ) {}

  /** A replayed (or the traced) step has run: its loss and each layer's gradient norm (gradients are still in place). */
  recordStep(step: number, loss: number): void {
    this.losses.set(step, loss);
    for (const m of this.layers()) {
      const n = gradNorm(m);
      if (n === undefined) continue;
      let perStep = this.norms.get(m);
      if (!perStep) this.norms.set(m, (perStep = new Map()));
      perStep.set(step, n);
    }
  }

  /** The traced step begins: every op's output is summarised from here until finish(). */
  start(): void {
    this.started = true;
    this.ops = [];
    this.opsLeftOut = 0;
    this.firstNonFinite = undefined;
    setOpTracer((op, phase, layer, data, shape) => {
      const full = this.ops.length >= MAX_TRACED_OPS;
      // Past the cap only the first non-finite output is still kept.
      if (full && this.firstNonFinite !== undefined) {
        this.opsLeftOut++;
        return;
      }
      const entry = summarise(op, phase, layer?.id, data, shape);
      if (full && entry.nonFinite === 0) {
        this.opsLeftOut++;
        return;
      }
      if (entry.nonFinite > 0 && this.firstNonFinite === undefined) this.firstNonFinite = this.ops.length;
      this.ops.push(entry);
    });
  }

  /** Whether the traced step is running (its ops are being summarised). */
  get tracing(): boolean {
    return this.started;
  }

  /** Stops tracing (also on an error or a stop: the tracer must not outlive the step). */
  stop(): void {
    setOpTracer(null);
  }

  finish(): StepTrace {
    this.stop();
    const steps = [...this.losses.keys()].filter((s) => s <= this.step).sort((a, b) => a - b);
    const gradNorms: LayerGradTrace[] = [];
    const gradJumps: StepTrace['gradJumps'] = [];
    for (const m of this.layers()) {
      const perStep = this.norms.get(m);
      if (!perStep) continue;
      const id = layerId(m);
      const name = m.displayName();
      const norms = steps.filter((s) => perStep.has(s)).map((s) => ({ step: s, norm: perStep.get(s) as number }));
      gradNorms.push({ layerId: id, name, norms });
      for (let i = MIN_HISTORY; i < norms.length; i++) {
        const base = median(norms.slice(0, i).map((x) => x.norm));
        const ratio = norms[i].norm / base;
        if (!Number.isFinite(norms[i].norm) || ratio > GRAD_JUMP_RATIO) {
          gradJumps.push({ layerId: id, name, step: norms[i].step, ratio: Number.isFinite(ratio) ? ratio : Infinity });
          break;
        }
      }
    }
    gradJumps.sort((a, b) => a.step - b.step || b.ratio - a.ratio);
    return {
      step: this.step,
      ops: this.ops,
      opsLeftOut: this.opsLeftOut,
      ...(this.firstNonFinite !== undefined ? { firstNonFinite: this.firstNonFinite } : {}),
      losses: steps.map((s) => ({ step: s, loss: this.losses.get(s) as number })),
      gradNorms,
      gradJumps,
    };
  }
}
