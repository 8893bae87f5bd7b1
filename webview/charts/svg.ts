// Small SVG helpers shared by the charts.
import { axisBottom, axisTop, select, type Selection } from 'd3';
import { SVG_NS } from '../export';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';

/** Selects the child `tag.cls` of `parent`, creating it on first use. */
export function ensure<E extends SVGElement = SVGElement>(
  parent: { node(): Element | null },
  tag: string,
  cls: string,
): Selection<E, unknown, null, undefined> {
  const node = parent.node();
  let el = node?.querySelector<E>(`:scope > ${tag}.${cls}`) ?? null;
  if (!el && node) {
    el = document.createElementNS(SVG_NS, tag) as E;
    el.setAttribute('class', cls);
    node.appendChild(el);
  }
  return select(el as E);
}

export function cloneAsGroup(svg: SVGSVGElement, y: number): SVGGElement {
  const g = document.createElementNS(SVG_NS, 'g');
  g.setAttribute('transform', `translate(0,${y})`);
  for (const attr of ['color', 'font-family']) {
    const v = svg.getAttribute(attr);
    if (v) g.setAttribute(attr, v);
  }
  for (const child of Array.from(svg.childNodes)) g.appendChild(child.cloneNode(true));
  return g;
}

/** Colours an axis from the theme: domain and ticks in the border colour, labels muted. */
export function styleAxis(axis: Selection<SVGGElement, unknown, null, undefined>, palette: Palette): void {
  axis.select('.domain').attr('stroke', palette.border);
  axis.selectAll('.tick line').attr('stroke', palette.border);
  axis.selectAll('.tick text').attr('fill', palette.muted);
}

/** The step axis every time chart shares: one tick per ~90 px, integer labels, themed. */
export function drawStepAxis(
  axis: Selection<SVGGElement, unknown, null, undefined>,
  layout: TimeLayout,
  palette: Palette,
  side: 'top' | 'bottom',
): void {
  axis
    .call(
      (side === 'top' ? axisTop : axisBottom)(layout.x)
        .ticks(Math.max(2, Math.floor(layout.plotWidth / 90)))
        .tickFormat((d) => String(d))
        .tickSizeOuter(0),
    )
    .attr('font-size', 10);
  styleAxis(axis, palette);
}
