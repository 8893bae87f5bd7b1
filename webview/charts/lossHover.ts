// Hovering the loss chart: a crosshair at the step under the mouse and a tooltip with its loss, smoothed loss,
// learning rate, the last epoch's validation numbers, the user's own metrics (their latest value at or before that step)
// and a loss spike that fired there.
import { pointer, select } from 'd3';
import { lowerBound } from '../column';
import { fmtNum } from '../format';
import type { RunStore } from '../store';
import { userHoverLines } from './lossUserMetrics';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import type { TimeLayout } from './layout';
import { ensure } from './svg';

export interface LossHoverContext {
  svg: SVGSVGElement;
  store: RunStore;
  layout: TimeLayout;
  palette: Palette;
  tooltip: Tooltip;
  smoothed: ArrayLike<number>;
  /** Height of the crosshair: the loss plot and the learning-rate strip. */
  height: number;
}

export function showLossHover(ev: MouseEvent, c: LossHoverContext): void {
  const { layout, palette } = c;
  const s = c.store;
  const n = s.stepNo.length;
  if (n === 0) return;
  const plot = select(c.svg).select<SVGGElement>('g.loss-plot');
  const [px] = pointer(ev, plot.node());
  const step = Math.floor(layout.x.invert(px));
  const i = Math.min(n - 1, lowerBound(s.stepNo.view(), step));
  const st = s.stepNo.get(i);
  const xs = layout.x(st + 0.5);
  ensure(plot, 'line', 'crosshair')
    .attr('display', null)
    .attr('x1', xs)
    .attr('x2', xs)
    .attr('y1', 0)
    .attr('y2', c.height)
    .attr('stroke', palette.muted)
    .attr('stroke-opacity', 0.6)
    .attr('pointer-events', 'none');
  const lines = [
    `step ${st}`,
    `loss ${fmtNum(s.loss.get(i))}`,
    `smoothed ${fmtNum(c.smoothed[i])}`,
    `lr ${fmtNum(s.lr.get(i))}`,
  ];
  const ep = [...s.epochs].reverse().find((e) => e.step <= st);
  if (ep?.valLoss !== undefined) {
    lines.push(`epoch ${ep.epoch} val loss ${fmtNum(ep.valLoss)}${ep.valAccuracy !== undefined ? `, acc ${(ep.valAccuracy * 100).toFixed(1)}%` : ''}`);
  }
  lines.push(...userHoverLines(s, st, fmtNum));
  const spike = s.anomalies.find((a) => a.kind === 'lossSpike' && a.step === st);
  if (spike) lines.push(`⚠ ${spike.message}`);
  c.tooltip.show(lines, ev.clientX, ev.clientY);
}
