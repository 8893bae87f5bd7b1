// Turns one step's captures into protocol telemetry: LayerStats for every tracked layer, histograms on their
// cadence, per-unit ReLU activity and the monitor's StepSample. Weight snapshots taken before the optimizer
// step give the update-to-weight ratio.
import type { DetectorThresholds, LayerHistograms, LayerStats } from '../../protocol/messages';
import { computeLayerHistograms, computeLayerStats, type LayerObservation } from '../monitor/layer-stats';
import { unitActivity } from '../monitor/tensor-stats';
import type { LayerMeta } from '../monitor/detector';
import { layerId } from './graph';
import type { Parameter } from '../nn/parameter';
import type { AnyModule, LayerProbe } from './probe';

export const HISTOGRAM_BINS = 30;

export class Telemetry {
  private snapshots = new Map<AnyModule, Float32Array[]>();

  constructor(
    private readonly probe: LayerProbe,
    private readonly tracked: readonly AnyModule[],
    /** The optimizer's record of each parameter's last update norm, when it keeps one (optim.* do). */
    private readonly updateNorm?: (p: Parameter) => number | undefined,
  ) {}

  /** Whether weight snapshots are needed for update ratios (only for optimizers that report no update norms). */
  get needsSnapshots(): boolean {
    return this.updateNorm === undefined;
  }

  /** The layers in forward order (those not yet run last, in module order), for the detectors. */
  layerMetas(): LayerMeta[] {
    // The order only grows (a layer first called late, e.g. in a branch), so the list is rebuilt only then.
    if (this.metas && this.metasFor === this.probe.order.length) return this.metas;
    const ordered = [...this.probe.order, ...this.tracked.filter((m) => !this.probe.order.includes(m))];
    this.metasFor = this.probe.order.length;
    this.metas = ordered.map((m) => ({ id: layerId(m), name: m.displayName(), type: m.typeName, source: m.source }));
    return this.metas;
  }

  private metas: LayerMeta[] | null = null;
  private metasFor = -1;

  /** Copies every parameter's values before the optimizer step (only on steps with statistics). */
  snapshot(): void {
    this.snapshots = new Map();
    for (const m of this.tracked) {
      const ps = m.named_own_parameters();
      if (ps.length) this.snapshots.set(m, ps.map(([, p]) => p.data.slice()));
    }
  }

  clearSnapshot(): void {
    if (this.snapshots.size) this.snapshots = new Map();
  }

  private observation(m: AnyModule): LayerObservation {
    const before = this.snapshots.get(m);
    const c = this.probe.captures.get(m);
    return {
      id: layerId(m),
      type: m.typeName,
      params: m.named_own_parameters().map(([, p], i) => ({
        data: p.data,
        grad: p._grad ? p._grad.data : null,
        before: before?.[i],
        updateNorm: this.updateNorm?.(p),
      })),
      act: c?.act,
      input: c?.input,
      outGrad: c?.outGrad,
    };
  }

  layerStats(th: DetectorThresholds): LayerStats[] {
    return this.tracked.map((m) => computeLayerStats(this.observation(m), th));
  }

  histograms(): LayerHistograms[] {
    return this.tracked.map((m) => computeLayerHistograms(this.observation(m), HISTOGRAM_BINS));
  }

  unitActivity(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const m of this.tracked) {
      if (m.typeName !== 'ReLU') continue;
      const c = this.probe.captures.get(m);
      if (c?.act && c.actShape) out.set(layerId(m), unitActivity(c.act, c.actShape));
    }
    return out;
  }
}
