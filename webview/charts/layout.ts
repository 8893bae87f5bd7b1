// The horizontal layout shared by every chart over time (heatmap, loss, learning rate, histograms): the same left
// margin and step scale, so a spike in one chart sits exactly above the same step in the others.
import { scaleLinear, type ScaleLinear } from 'd3';
import type { RunStore } from '../store';

export interface TimeLayout {
  width: number;
  /** Left margin: room for layer labels / y axes. */
  left: number;
  right: number;
  plotWidth: number;
  /** Step -> x in the plot; step s occupies [x(s), x(s + 1)). */
  x: ScaleLinear<number, number>;
}

/**
 * `labelWidth`: the left margin the heatmap's row labels need (heatmapLabels.ts sizes it to the longest label);
 * without it, a quarter of the width.
 */
export function timeLayout(width: number, store: RunStore, labelWidth?: number): TimeLayout {
  const w = Math.max(320, Math.floor(width));
  const left = labelWidth ?? Math.round(Math.min(280, Math.max(150, w * 0.26)));
  const right = 56;
  const plotWidth = Math.max(50, w - left - right);
  const x = scaleLinear().domain(stepDomain(store)).range([0, plotWidth]);
  return { width: w, left, right, plotWidth, x };
}

/**
 * The step domain: exactly the run once it has ended; with headroom (5-10%, rounded) while it is live, so the axes
 * stand still for hundreds of steps and an update only draws what is new instead of moving everything.
 */
export function stepDomain(store: RunStore): [number, number] {
  const range = store.stepRange();
  if (!range) return [0, 1];
  const lo = range[0];
  const hi = range[1] + 1;
  const st = store.status.state;
  if (st !== 'running' && st !== 'paused' && st !== 'waiting') return [lo, hi];
  const span = hi - lo;
  const unit = Math.max(1, Math.pow(10, Math.floor(Math.log10(span))) / 10);
  return [lo, lo + Math.ceil((span * 1.05) / unit) * unit];
}
