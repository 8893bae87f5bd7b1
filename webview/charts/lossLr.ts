// The learning-rate strip under the loss chart: its frame, y axis, the step axis shared by both, and the path the
// loss chart fills with the learning rate per pixel column.
import { axisLeft, type ScaleLinear, type select } from 'd3';
import { fmtNum } from '../format';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';
import { drawStepAxis, ensure, styleAxis } from './svg';

export const LR_HEIGHT = 56;

/** Draws the strip at y `top` of the chart. */
export function drawLrFrame(
  svg: ReturnType<typeof select<SVGSVGElement, unknown>>,
  layout: TimeLayout,
  palette: Palette,
  y: ScaleLinear<number, number>,
  top: number,
): void {
  const g = ensure(svg, 'g', 'lr-plot').attr('transform', `translate(${layout.left},${top})`);
  const yAxis = ensure<SVGGElement>(g, 'g', 'y-axis');
  yAxis
    .call(
      axisLeft(y)
        .ticks(2)
        .tickFormat((d) => fmtNum(Number(d)))
        .tickSizeOuter(0),
    )
    .attr('font-size', 9);
  styleAxis(yAxis, palette);
  ensure(g, 'rect', 'frame')
    .attr('width', layout.plotWidth)
    .attr('height', LR_HEIGHT)
    .attr('fill', 'none')
    .attr('stroke', palette.grid);
  ensure(g, 'path', 'lr-line').attr('fill', 'none').attr('stroke', palette.muted).attr('stroke-width', 1.5);
  ensure(g, 'text', 'y-title')
    .attr('x', 4)
    .attr('y', 10)
    .attr('font-size', 10)
    .attr('fill', palette.muted)
    .text('learning rate');
  const xAxis = ensure<SVGGElement>(g, 'g', 'x-axis').attr('transform', `translate(0,${LR_HEIGHT})`);
  drawStepAxis(xAxis, layout, palette, 'bottom');
  ensure(g, 'text', 'x-title')
    .attr('x', -8)
    .attr('y', LR_HEIGHT + 20)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', palette.muted)
    .text('step');
}
