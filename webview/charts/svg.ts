// Small SVG helpers shared by the charts.
import { select, type Selection } from 'd3';
import { SVG_NS } from '../export';

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
