// The colour legend above the heatmap: a gradient bar with ticks in display units (decades for log metrics).
import { axisBottom, scaleLinear, select } from 'd3';
import type { ColourScale } from '../colour';
import { SVG_NS } from '../export';
import { fmtDecade } from '../format';
import type { Palette } from '../theme';
import { ensure } from './svg';

export const LEGEND_HEIGHT = 46;

export interface LegendOptions {
  title: string;
  scale: ColourScale;
  palette: Palette;
  left: number;
  width: number;
  totalWidth: number;
  note: string;
}

export function drawLegend(svgEl: SVGSVGElement, o: LegendOptions): void {
  const [lo, hi] = o.scale.domain;
  const svg = select(svgEl)
    .attr('width', o.totalWidth)
    .attr('height', LEGEND_HEIGHT)
    .attr('color', o.palette.fg)
    .attr('font-family', o.palette.fontFamily)
    .attr('data-domain-lo', lo)
    .attr('data-domain-hi', hi)
    .attr('data-log', String(o.scale.log))
    .attr('aria-label', `Colour legend: ${o.title}, from ${lo} to ${hi}${o.scale.log ? ' (log10)' : ''}`);
  const gradId = 'gl-legend-gradient';
  const defs = ensure(svg, 'defs', 'legend-defs');
  let grad = defs.select<SVGLinearGradientElement>('linearGradient');
  if (grad.empty()) {
    const el = document.createElementNS(SVG_NS, 'linearGradient');
    el.setAttribute('id', gradId);
    defs.node()?.appendChild(el);
    grad = select(el);
  }
  const stops = Array.from({ length: 17 }, (_, i) => i / 16);
  grad
    .selectAll('stop')
    .data(stops)
    .join('stop')
    .attr('offset', (t) => `${t * 100}%`)
    .attr('stop-color', (t) => o.scale.interpolate(t));

  ensure(svg, 'text', 'legend-title')
    .attr('x', o.left)
    .attr('y', 12)
    .attr('font-size', 11)
    .attr('font-weight', 600)
    .attr('fill', o.palette.fg)
    .text(o.title);
  ensure(svg, 'rect', 'legend-bar')
    .attr('x', o.left)
    .attr('y', 18)
    .attr('width', o.width)
    .attr('height', 10)
    .attr('rx', 2)
    .attr('fill', `url(#${gradId})`)
    .attr('stroke', o.palette.border);
  const x = scaleLinear().domain([lo, hi]).range([0, o.width]);
  const ticks = o.scale.log
    ? integerTicks(lo, hi, Math.max(2, Math.floor(o.width / 40)))
    : x.ticks(Math.max(2, Math.floor(o.width / 60)));
  const axis = ensure<SVGGElement>(svg, 'g', 'legend-axis').attr('transform', `translate(${o.left},28)`);
  axis
    .call(
      axisBottom(x)
        .tickValues(ticks)
        .tickSize(3)
        .tickFormat((d) => (o.scale.log ? fmtDecade(Number(d)) : String(d))),
    )
    .attr('font-size', 9);
  axis.select('.domain').remove();
  axis.selectAll('.tick line').attr('stroke', o.palette.muted);
  axis.selectAll('.tick text').attr('fill', o.palette.muted);
  ensure(svg, 'text', 'legend-note')
    .attr('x', o.left + o.width + 12)
    .attr('y', 27)
    .attr('font-size', 10)
    .attr('fill', o.palette.muted)
    .text(o.note);
}

function integerTicks(lo: number, hi: number, max: number): number[] {
  const every = Math.max(1, Math.ceil((hi - lo) / max));
  const out: number[] = [];
  for (let t = Math.ceil(lo); t <= hi; t += every) out.push(t);
  return out;
}
