// The heatmap's frame: sizes of the SVG and of the canvas under it, the step axis on top, the plot's border, row
// separators, the transparent hit area for the mouse, and the groups the selection and markers draw into.
import { select } from 'd3';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';
import { drawStepAxis, ensure } from './svg';

export interface FrameElements {
  svg: SVGSVGElement;
  clip: HTMLDivElement;
  canvas: HTMLCanvasElement;
}

export interface FrameOptions {
  layout: TimeLayout;
  palette: Palette;
  top: number;
  bottom: number;
  rowH: number;
  rows: number;
  /** The chart's accessible description. */
  label: string;
}

export interface FrameMouse {
  move(ev: MouseEvent): void;
  leave(): void;
  click(ev: MouseEvent): void;
}

export function drawHeatmapFrame(el: FrameElements, o: FrameOptions, mouse: FrameMouse): void {
  const { layout, palette, top, rowH } = o;
  const ph = Math.max(1, o.rows) * rowH;
  const height = top + ph + o.bottom;
  el.clip.style.left = `${layout.left}px`;
  el.clip.style.top = `${top}px`;
  el.clip.style.width = `${layout.plotWidth}px`;
  el.clip.style.height = `${ph}px`;
  el.canvas.style.left = '0px';
  el.canvas.style.width = `${layout.plotWidth}px`;
  el.canvas.style.height = `${ph}px`;
  const svg = select(el.svg)
    .attr('role', 'group')
    .attr('aria-label', o.label)
    .attr('width', layout.width)
    .attr('height', height)
    .attr('color', palette.fg)
    .attr('font-family', palette.fontFamily);
  el.svg.parentElement?.style.setProperty('height', `${height}px`);

  const axis = ensure<SVGGElement>(svg, 'g', 'x-axis').attr('transform', `translate(${layout.left},${top - 14})`);
  drawStepAxis(axis, layout, palette, 'top');
  ensure(svg, 'text', 'x-title')
    .attr('x', layout.left - 8)
    .attr('y', top - 20)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', palette.muted)
    .text('step');

  const plot = ensure(svg, 'g', 'plot').attr('transform', `translate(${layout.left},${top})`);
  ensure(plot, 'rect', 'plot-border')
    .attr('width', layout.plotWidth)
    .attr('height', ph)
    .attr('fill', 'none')
    .attr('stroke', palette.border);
  // Thin separators in the background colour keep rows apart when they are tall enough to need it.
  const seps = rowH >= 12 ? Array.from({ length: Math.max(0, o.rows - 1) }, (_, i) => i + 1) : [];
  ensure(plot, 'g', 'separators')
    .attr('stroke', palette.bg)
    .attr('stroke-opacity', 0.7)
    .selectAll('line')
    .data(seps)
    .join('line')
    .attr('x1', 0)
    .attr('x2', layout.plotWidth)
    .attr('y1', (r) => r * rowH + 0.5)
    .attr('y2', (r) => r * rowH + 0.5);
  ensure(plot, 'rect', 'hit')
    .attr('width', layout.plotWidth)
    .attr('height', ph)
    .attr('fill', 'transparent')
    .style('cursor', 'pointer')
    .on('mousemove', (ev: MouseEvent) => mouse.move(ev))
    .on('mouseleave', () => mouse.leave())
    .on('click', (ev: MouseEvent) => mouse.click(ev));
  ensure(plot, 'g', 'selection');
  ensure(plot, 'g', 'markers');
  ensure(svg, 'g', 'run-markers');
}
