// Keyboard access to the heatmap's cells: with a row label focused, Left/Right/Home/End move a cursor along the
// row's cells (as placed on the step axis) and the tooltip reads the cell out; Up/Down keep the column.
import { select } from 'd3';
import type { Palette } from '../theme';
import type { Tooltip } from '../tooltip';
import type { TimeLayout } from './layout';
import type { StepRaster } from './stepRaster';

export interface CursorContext {
  svg: SVGSVGElement;
  raster: StepRaster;
  layout: TimeLayout;
  palette: Palette;
  rowH: number;
  top: number;
  tooltip: Tooltip;
  lines(r: number, px: number): string[];
}

export class CellCursor {
  /** Raster column of the cursor's cell. */
  private at?: number;

  constructor(private readonly context: () => CursorContext | undefined) {}

  reset(): void {
    this.at = undefined;
  }

  move(r: number, key: string): void {
    const c = this.context();
    if (!c) return;
    let cell: [number, number] | undefined;
    if (key === 'Home') cell = c.raster.edgeCell(1);
    else if (key === 'End' || this.at === undefined) cell = c.raster.edgeCell(-1);
    else cell = c.raster.nextCell(this.at, key === 'ArrowRight' ? 1 : -1) ?? c.raster.cellAt(this.at);
    if (!cell) return;
    this.at = cell[0];
    this.show(r);
  }

  /** Shows the cursor on row r (after a move, or when a row gets focus once the cursor exists). */
  show(r: number): void {
    const c = this.context();
    const cell = this.at === undefined || !c ? undefined : c.raster.cellAt(this.at);
    if (!cell || !c) return;
    const k = c.raster.width / c.layout.plotWidth;
    const x0 = cell[0] / k;
    const w = Math.max(2, (cell[1] - cell[0]) / k);
    select(c.svg)
      .select<SVGGElement>('g.plot g.selection')
      .selectAll('rect.cursor')
      .data([cell[0]])
      .join('rect')
      .attr('class', 'cursor')
      .attr('x', x0 - 1)
      .attr('y', r * c.rowH - 1)
      .attr('width', w + 2)
      .attr('height', c.rowH + 2)
      .attr('fill', 'none')
      .attr('stroke', c.palette.focus)
      .attr('stroke-width', 2)
      .attr('pointer-events', 'none');
    const rect = c.svg.getBoundingClientRect();
    c.tooltip.show(c.lines(r, cell[0]), rect.left + c.layout.left + x0 + w, rect.top + c.top + (r + 1) * c.rowH);
  }

  hide(): void {
    const c = this.context();
    if (!c) return;
    select(c.svg).selectAll('g.plot g.selection rect.cursor').remove();
    c.tooltip.hide();
  }
}
