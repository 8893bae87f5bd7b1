// Anomaly markers on the heatmap: a ring on the layer's row at the anomaly's step, and for run-level anomalies (a
// loss spike) a triangle above the plot. Both sit over the step axis position of their step, as the loss chart's
// markers do, so the two charts agree; anomalies that land in one pixel column of a row share a marker.
import { select } from 'd3';
import type { Anomaly } from '../../protocol/messages';
import type { RunStore } from '../store';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';

interface MarkerCell {
  key: string;
  row: number;
  x: number;
  anomalies: Anomaly[];
}

export interface MarkerOptions {
  store: RunStore;
  layout: TimeLayout;
  palette: Palette;
  rowH: number;
  /** y of the plot's top in the chart's SVG. */
  top: number;
  onActivateRow(row: number): void;
}

/** x in the plot of a step: the middle of the axis interval the step occupies. */
export function markerX(layout: TimeLayout, step: number): number {
  return layout.x(step + 0.5);
}

export function drawMarkers(svgEl: SVGSVGElement, o: MarkerOptions): void {
  const { store, layout, palette, rowH } = o;
  const cells = new Map<string, MarkerCell>();
  const runLevel = new Map<string, MarkerCell>();
  if (store.statSteps.length > 0 || store.anomalies.some((a) => !a.layer)) {
    for (const an of store.anomalies) {
      const row = an.layer ? store.rowOf(an.layer.id) : undefined;
      if (an.layer && row === undefined) continue; // a layer the graph did not list
      const x = markerX(layout, an.step);
      const target = row === undefined ? runLevel : cells;
      const key = `${row ?? 'run'}:${Math.floor(x)}`;
      const cell = target.get(key);
      if (cell) cell.anomalies.push(an);
      else target.set(key, { key, row: row ?? -1, x, anomalies: [an] });
    }
  }
  const clampX = (x: number): number => Math.max(3, Math.min(layout.plotWidth - 3, x));
  const radius = Math.max(2.5, Math.min(5, rowH / 2 - 2));
  const title = (d: MarkerCell): string =>
    d.anomalies
      .slice(0, 5)
      .map((a) => a.message)
      .join('\n') + (d.anomalies.length > 5 ? `\n… ${d.anomalies.length - 5} more` : '');
  const markers = select(svgEl)
    .select<SVGGElement>('g.plot g.markers')
    .selectAll<SVGGElement, MarkerCell>('g.anomaly-marker')
    .data([...cells.values()], (d) => d.key)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'anomaly-marker');
      e.append('circle').attr('class', 'halo');
      e.append('circle').attr('class', 'ring');
      e.append('title');
      return e;
    })
    .attr('transform', (d) => `translate(${clampX(d.x)},${d.row * rowH + rowH / 2})`)
    .attr('data-step', (d) => d.anomalies[0].step)
    .attr('data-layer', (d) => d.anomalies[0].layer?.id ?? '')
    .attr('data-kind', (d) => d.anomalies[0].kind)
    .attr('data-count', (d) => d.anomalies.length)
    .style('cursor', 'pointer')
    .on('click', (_ev: MouseEvent, d) => o.onActivateRow(d.row));
  markers.select('circle.halo').attr('r', radius + 1.5).attr('fill', 'none').attr('stroke', palette.bg).attr('stroke-width', 3);
  markers.select('circle.ring').attr('r', radius).attr('fill', 'none').attr('stroke', palette.error).attr('stroke-width', 2);
  markers.select('title').text(title);

  const run = select(svgEl)
    .select<SVGGElement>('g.run-markers')
    .attr('transform', `translate(${layout.left},${o.top - 6})`)
    .selectAll<SVGPathElement, MarkerCell>('path.run-marker')
    .data([...runLevel.values()], (d) => d.key)
    .join((enter) => enter.append('path').attr('class', 'run-marker'))
    .attr('d', 'M-4.5,-5L4.5,-5L0,2Z')
    .attr('transform', (d) => `translate(${clampX(d.x)},0)`)
    .attr('fill', palette.error)
    .attr('data-step', (d) => d.anomalies[0].step)
    .attr('data-kind', (d) => d.anomalies[0].kind);
  run.selectAll('title').data((d) => [d]).join('title').text(title);
}
