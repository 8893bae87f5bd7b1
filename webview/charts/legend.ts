// The colour legend above the heatmap: a title, a gradient bar with ticks in display units (decades for log metrics)
// and a note. Nothing may be cut off at narrow widths (the panel beside an editor, exported images): the title starts
// at the left edge, and the note goes under the bar when it does not fit beside it.
import { axisBottom, scaleLinear, select } from 'd3';
import type { ColourScale } from '../colour';
import { SVG_NS } from '../export';
import { fmtDecade } from '../format';
import type { Palette } from '../theme';
import { TextMeasure } from './heatmapLabels';
import { ensure } from './svg';

export const LEGEND_HEIGHT = 46;
/** Height when the note moves under the bar. */
const LEGEND_HEIGHT_TALL = 60;
/** A title too wide for the chart takes a second line this much lower. */
const TITLE_LINE = 13;

let measure: TextMeasure | undefined;

export interface LegendOptions {
  title: string;
  scale: ColourScale;
  palette: Palette;
  left: number;
  width: number;
  totalWidth: number;
  note: string;
}

/** Draws the legend; returns its height. */
export function drawLegend(svgEl: SVGSVGElement, o: LegendOptions): number {
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

  // Measured on a canvas, not with getComputedTextLength: a panel in the background has no layout to measure.
  measure ??= new TextMeasure(svgEl.ownerDocument);
  const family = o.palette.fontFamily;
  const room = o.totalWidth - 4;
  const [head, tail] = splitTitle(o.title);
  const wrap = tail !== '' && measure.width(o.title, 11, family, '600') > room;
  const title = ensure<SVGTextElement>(svg, 'text', 'legend-title')
    .attr('x', 2)
    .attr('y', 12)
    .attr('font-size', 11)
    .attr('font-weight', 600)
    .attr('fill', o.palette.fg)
    .text(null);
  // Too wide for one line: the metric's name, then what it shows on a second line.
  title
    .selectAll('tspan')
    .data(wrap ? [head, tail] : [o.title])
    .join('tspan')
    .attr('x', 2)
    .attr('dy', (_, i) => (i === 0 ? null : TITLE_LINE))
    .text((t) => t)
    // A line still wider than the chart (the narrowest panels) is squeezed to fit rather than cut.
    .attr('textLength', (t) => (measure && measure.width(t, 11, family, '600') > room ? room : null))
    .attr('lengthAdjust', (t) => (measure && measure.width(t, 11, family, '600') > room ? 'spacingAndGlyphs' : null));
  const shift = wrap ? TITLE_LINE : 0;
  ensure(svg, 'rect', 'legend-bar')
    .attr('x', o.left)
    .attr('y', 18 + shift)
    .attr('width', o.width)
    .attr('height', 10)
    .attr('rx', 2)
    .attr('fill', `url(#${gradId})`)
    .attr('stroke', o.palette.border);
  const x = scaleLinear().domain([lo, hi]).range([0, o.width]);
  const ticks = o.scale.log
    ? integerTicks(lo, hi, Math.max(2, Math.floor(o.width / 40)))
    : x.ticks(Math.max(2, Math.floor(o.width / 60)));
  const axis = ensure<SVGGElement>(svg, 'g', 'legend-axis').attr('transform', `translate(${o.left},${28 + shift})`);
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
  const note = ensure<SVGTextElement>(svg, 'text', 'legend-note')
    .attr('font-size', 10)
    .attr('fill', o.palette.muted)
    .text(o.note);
  const beside = o.left + o.width + 12;
  const noteW = measure.width(o.note, 10, family);
  const fits = beside + noteW <= o.totalWidth - 2;
  // Under the bar it starts at the bar, or further left when it would run past the chart's right edge.
  const under = Math.max(2, Math.min(o.left, o.totalWidth - 2 - noteW));
  note.attr('x', fits ? beside : under).attr('y', (fits ? 27 : 54) + shift);
  const height = (fits || !o.note ? LEGEND_HEIGHT : LEGEND_HEIGHT_TALL) + shift;
  svg.attr('height', height);
  return height;
}

/** "Gradient norm — log10 ‖∇‖ (...)" -> the name and what it shows; [title, ''] when there is no dash. */
function splitTitle(title: string): [string, string] {
  const i = title.indexOf(' — ');
  return i < 0 ? [title, ''] : [title.slice(0, i + 2), title.slice(i + 3)];
}

function integerTicks(lo: number, hi: number, max: number): number[] {
  const every = Math.max(1, Math.ceil((hi - lo) / max));
  const out: number[] = [];
  for (let t = Math.ceil(lo); t <= hi; t += every) out.push(t);
  return out;
}
