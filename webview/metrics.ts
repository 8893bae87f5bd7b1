// The per-layer metrics the heatmap can show. Each says how to read it from a LayerStats record, whether it is
// seen in log10 (norms span many decades), which extreme of a bucket to draw (so a spike is never averaged away)
// and its colour ramp.
import type { LayerStats } from '../protocol/messages';

export type MetricId = 'gradNorm' | 'updateRatio' | 'weightNorm' | 'actMean' | 'actStd' | 'deadFrac';

/** Which value of a min/max bucket is drawn. `absMax` keeps the one farther from zero (for signed metrics). */
export type BucketPick = 'max' | 'min' | 'absMax';

export type Ramp = 'sequential' | 'diverging' | 'fraction';

export interface MetricDef {
  id: MetricId;
  label: string;
  /** Short unit-ish description for the legend title. */
  legend: string;
  log: boolean;
  pick: BucketPick;
  ramp: Ramp;
  read(s: LayerStats): number | undefined;
}

export const METRICS: readonly MetricDef[] = [
  {
    id: 'gradNorm',
    label: 'Gradient norm',
    legend: 'log10 ‖∇‖ (parameters; output gradient for parameter-free layers)',
    log: true,
    pick: 'max',
    ramp: 'sequential',
    // Parameter-free layers (ReLU, Dropout) still carry a gradient; without it half the rows of an MLP are blank.
    read: (s) => s.gradNorm ?? s.outGradNorm,
  },
  {
    id: 'updateRatio',
    label: 'Update ratio',
    legend: 'log10 ‖lr·update‖ / ‖w‖',
    log: true,
    pick: 'max',
    ramp: 'sequential',
    read: (s) => s.updateRatio,
  },
  {
    id: 'weightNorm',
    label: 'Weight norm',
    legend: 'log10 ‖w‖',
    log: true,
    pick: 'max',
    ramp: 'sequential',
    read: (s) => s.weightNorm,
  },
  {
    id: 'actMean',
    label: 'Activation mean',
    legend: 'mean of layer output',
    log: false,
    pick: 'absMax',
    ramp: 'diverging',
    read: (s) => s.act?.mean,
  },
  {
    id: 'actStd',
    label: 'Activation std',
    legend: 'log10 std of layer output',
    log: true,
    pick: 'min',
    ramp: 'sequential',
    read: (s) => s.act?.std,
  },
  {
    id: 'deadFrac',
    label: 'Dead fraction',
    legend: 'fraction of exactly-zero outputs',
    log: false,
    pick: 'max',
    ramp: 'fraction',
    read: (s) => s.act?.zeroFrac,
  },
];

export const METRIC_IDS: readonly MetricId[] = METRICS.map((m) => m.id);

export function metricDef(id: MetricId): MetricDef {
  const def = METRICS.find((m) => m.id === id);
  if (!def) throw new Error(`unknown metric ${id}`);
  return def;
}

export function isMetricId(value: unknown): value is MetricId {
  return typeof value === 'string' && (METRIC_IDS as readonly string[]).includes(value);
}
