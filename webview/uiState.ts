// UI state that survives a reload or a hidden panel: versioned, so an old saved shape is dropped, not misread.
import { isMetricId, type MetricId } from './metrics';

export type HistKind = 'activation' | 'gradient';

export interface UiState {
  v: 1;
  metric: MetricId;
  /** EMA smoothing of the loss curve, 0 (raw) to 0.99. */
  smoothing: number;
  logScale: boolean;
  selectedLayer?: string;
  histKind: HistKind;
}

export const UI_STATE_VERSION = 1;

export function defaultUiState(): UiState {
  return { v: 1, metric: 'gradNorm', smoothing: 0.6, logScale: false, histKind: 'activation' };
}

export function parseUiState(raw: unknown): UiState {
  const d = defaultUiState();
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  if (o.v !== UI_STATE_VERSION) return d;
  return {
    v: 1,
    metric: isMetricId(o.metric) ? o.metric : d.metric,
    smoothing: typeof o.smoothing === 'number' && o.smoothing >= 0 && o.smoothing < 1 ? o.smoothing : d.smoothing,
    logScale: typeof o.logScale === 'boolean' ? o.logScale : d.logScale,
    selectedLayer: typeof o.selectedLayer === 'string' ? o.selectedLayer : undefined,
    histKind: o.histKind === 'gradient' ? 'gradient' : 'activation',
  };
}
