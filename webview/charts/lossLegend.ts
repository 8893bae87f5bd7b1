// The loss chart's legend: one entry per curve shown. Entries flow from the plot's left edge and wrap into rows
// where the chart ends; the caller moves the plots down by a row for each extra one.
import { select } from 'd3';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';
import { ensure } from './svg';

/** Height of each further legend row. */
export const LEGEND_ROW = 14;

/** Draws the legend; returns how many rows it took. */
export function drawLossLegend(
  svg: ReturnType<typeof select<SVGSVGElement, unknown>>,
  layout: TimeLayout,
  palette: Palette,
  smoothing: number,
  hasVal: boolean,
  hasAcc: boolean,
  hasSpikes: boolean,
  /** The user's own metrics (gradlens.log), each in its colour; dashed when on the accuracy axis. */
  userMetrics: ReadonlyArray<{ name: string; colour: string; axis: 'loss' | 'fraction' }> = [],
): number {
  const items: { label: string; colour: string; dash?: string; shape: 'line' | 'band' | 'tri' }[] = [
    { label: 'train (raw)', colour: palette.accent, shape: 'band' },
    { label: `train (EMA ${smoothing.toFixed(2)})`, colour: palette.accent, shape: 'line' },
  ];
  if (hasVal) items.push({ label: 'val loss', colour: palette.accent2, shape: 'line' });
  if (hasAcc) items.push({ label: 'val accuracy', colour: palette.accent3, dash: '4 3', shape: 'line' });
  for (const m of userMetrics) items.push({ label: m.name.length > 32 ? `${m.name.slice(0, 31)}…` : m.name, colour: m.colour, dash: m.axis === 'fraction' ? '4 3' : undefined, shape: 'line' });
  if (hasSpikes) items.push({ label: 'loss spike', colour: palette.error, shape: 'tri' });
  const g = ensure(svg, 'g', 'loss-legend').attr('transform', `translate(${layout.left},10)`);
  const entries = g
    .selectAll<SVGGElement, (typeof items)[number]>('g.item')
    .data(items)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'item');
      e.append('path');
      e.append('text');
      return e;
    });
  entries
    .select('path')
    .attr('d', (d) => (d.shape === 'tri' ? 'M4,-5L14,-5L9,3Z' : d.shape === 'band' ? 'M0,-4H18V4H0Z' : 'M0,0H18'))
    .attr('fill', (d) => (d.shape === 'line' ? 'none' : d.colour))
    .attr('fill-opacity', (d) => (d.shape === 'band' ? 0.3 : 1))
    .attr('stroke', (d) => (d.shape === 'tri' ? 'none' : d.colour))
    .attr('stroke-width', (d) => (d.shape === 'line' ? 2 : 0.8))
    .attr('stroke-dasharray', (d) => d.dash ?? null);
  entries
    .select('text')
    .attr('x', 24)
    .attr('dy', '0.35em')
    .attr('font-size', 10)
    .attr('fill', palette.fg)
    .text((d) => d.label);
    // Entries flow left to right from the plot's left edge and wrap to a new row where the chart ends: at the
  // panel's width beside an editor the five entries do not fit in one row.
  const room = layout.width - layout.left - 2;
  let x = 0;
  let row = 0;
  entries.attr('transform', function () {
    const text = select(this).select<SVGTextElement>('text').node();
    let w = 24 + 60;
    try {
      w = 24 + (text?.getComputedTextLength() ?? 60);
    } catch {
      // not laid out: the estimate stands
    }
    if (x > 0 && x + w > room) {
      row++;
      x = 0;
    }
    const t = `translate(${x},${row * LEGEND_ROW})`;
    x += w + 14;
    return t;
  });
  return row + 1;
}
