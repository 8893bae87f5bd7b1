// The debugger's breakpoints: which anomaly kinds stop a run (with their own thresholds), and the layer line
// breakpoints with VS Code's conditions, hit counts and logpoints. They only decide; the controller stops.
import type { Anomaly, AnomalyBreakpoint, AnomalyKind, LayerBreakpoint, SourceLocation } from '../../../protocol/messages';
import { MAIN_THRESHOLD, type Monitor } from '../../monitor/monitor';
import type { AnyModule } from '../../nn/module';
import { evaluateIn, hitConditionMet, interpolate } from '../inspect';

/** Where a breakpoint's condition error or logpoint text goes (a protocol `log` message in the run). */
export type BreakpointLog = (level: 'info' | 'error', message: string, source: SourceLocation) => void;

export class Breakpoints {
  private readonly anomalies = new Map<AnomalyKind, number | undefined>();
  private layers: LayerBreakpoint[] = [];
  /** Hits per breakpoint id, counted after its condition held (VS Code's hit count semantics). */
  private readonly hits = new Map<number, number>();

  constructor(private readonly monitor: Monitor) {}

  /** Replaces the anomaly breakpoints; a threshold given with one becomes its detector's threshold. */
  setAnomalies(list: readonly AnomalyBreakpoint[]): void {
    this.anomalies.clear();
    for (const b of list) {
      this.anomalies.set(b.kind, b.threshold);
      const key = MAIN_THRESHOLD[b.kind];
      if (key && b.threshold !== undefined) this.monitor.setThresholds({ [key]: b.threshold });
    }
  }

  setLayers(list: readonly LayerBreakpoint[]): void {
    this.layers = [...list];
  }

  get hasLayerBreakpoints(): boolean {
    return this.layers.length > 0;
  }

  /** The first of a step's anomalies that an anomaly breakpoint stops on. */
  anomalyToStopOn(anomalies: readonly Anomaly[]): Anomaly | undefined {
    return anomalies.find((a) => this.anomalies.has(a.kind));
  }

  /**
   * The layer breakpoint that stops at this call of `layer`, if any: conditions are evaluated against `scope`,
   * hit counts advance, and logpoints write their text through `log` instead of stopping.
   */
  layerBreakpointAt(layer: AnyModule, scope: () => Record<string, unknown>, log: BreakpointLog): LayerBreakpoint | undefined {
    const source = layer.source;
    if (this.layers.length === 0 || !source) return undefined;
    for (const bp of this.layers) {
      if (bp.line !== source.line || !sameFile(bp.file, source.file)) continue;
      if (bp.condition && !this.conditionHolds(bp.condition, scope(), source, log)) continue;
      const count = (this.hits.get(bp.id) ?? 0) + 1;
      this.hits.set(bp.id, count);
      if (!hitConditionMet(bp.hitCondition, count)) continue;
      if (bp.logMessage) {
        log('info', interpolate(bp.logMessage, scope()), source);
        continue;
      }
      return bp;
    }
    return undefined;
  }

  private conditionHolds(condition: string, scope: Record<string, unknown>, source: SourceLocation, log: BreakpointLog): boolean {
    try {
      return Boolean(evaluateIn(condition, scope));
    } catch (err) {
      log('error', `Breakpoint condition "${condition}" failed: ${(err as Error).message}`, source);
      return false;
    }
  }
}

/** The same file, allowing for Windows separators and drive-letter case. */
export function sameFile(a: string, b: string): boolean {
  return a === b || a.replace(/\\/g, '/').toLowerCase() === b.replace(/\\/g, '/').toLowerCase();
}
