// The heatmap's row labels: what tells layers apart (the module path such as `layers.3`, the layer's name such as
// `Linear(64, 64)`, and its line), a label column sized to the longest label, and keyboard access to the rows.
// Ten `Linear(64, 64)` built in a loop at one line differ only in their path, so the path is never cut; a name too
// long for the column is shortened in its middle.
import { select } from 'd3';
import { baseName, shortLocation } from '../format';
import type { LayerRow } from '../store';
import type { Palette } from '../theme';

/** Gap between a label's end and the plot, and the label column's margin on the left. */
export const LABEL_GAP = 8;
const LABEL_MARGIN = 6;
/** Share of the chart width the label column may take at most. */
const MAX_LABEL_SHARE = 0.42;

export interface LabelParts {
  path: string;
  name: string;
  /** ":8" in the run's model file, "helpers.ts:8" in another file, "" when unknown. */
  where: string;
}

export function labelParts(row: LayerRow, modelFile: string | undefined): LabelParts {
  const src = row.source;
  const where = !src ? '' : modelFile && baseName(src.file) === baseName(modelFile) ? `:${src.line}` : shortLocation(src);
  // A root-level layer's path can equal its name's type (a bare module): say it once.
  const path = row.id === row.name || row.id === '' ? '' : row.id;
  return { path, name: row.name, where };
}

export function labelText(p: LabelParts): string {
  return [p.path, p.name, p.where].filter(Boolean).join('  ');
}

export function fontSizeFor(rowH: number): number {
  return rowH >= 16 ? 11 : rowH >= 12 ? 10 : 9;
}

/** Width of a text in a font, measured once per text (a canvas needs no layout). */
export class TextMeasure {
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly cache = new Map<string, number>();
  private font = '';

  constructor(doc: Document) {
    this.ctx = doc.createElement('canvas').getContext('2d');
  }

  width(text: string, size: number, family: string, weight = ''): number {
    const font = `${weight ? `${weight} ` : ''}${size}px ${family}`;
    if (font !== this.font) {
      this.font = font;
      this.cache.clear();
      if (this.ctx) this.ctx.font = font;
    }
    let w = this.cache.get(text);
    if (w === undefined) {
      w = this.ctx ? this.ctx.measureText(text).width : text.length * size * 0.6;
      this.cache.set(text, w);
    }
    return w;
  }
}

/** The label column's width for these rows at a chart width: the longest label, within bounds. */
export function labelColumnWidth(widths: readonly number[], chartWidth: number): number {
  const longest = widths.reduce((a, b) => Math.max(a, b), 0);
  const max = Math.max(120, Math.floor(chartWidth * MAX_LABEL_SHARE));
  return Math.round(Math.min(max, Math.max(90, longest + LABEL_GAP + LABEL_MARGIN + 2)));
}

/** The name shortened in its middle until the whole label fits `room` px (the path and line stay whole). */
export function fitLabel(p: LabelParts, room: number, measure: (s: string) => number): LabelParts {
  if (measure(labelText(p)) <= room) return p;
  const name = p.name;
  let lo = 1;
  let hi = name.length - 1;
  let best = '…';
  while (lo <= hi) {
    const keep = (lo + hi) >> 1;
    const head = Math.ceil(keep * 0.6);
    const cut = `${name.slice(0, head)}…${name.slice(name.length - (keep - head))}`;
    if (measure(labelText({ ...p, name: cut })) <= room) {
      best = cut;
      lo = keep + 1;
    } else hi = keep - 1;
  }
  return { ...p, name: best };
}

export interface RowLabelHandlers {
  activate(row: LayerRow): void;
  /** Left/Right/Home/End on a focused row: move the cell cursor along it. */
  cursor(row: LayerRow, key: string): void;
  /** The row got focus (show the cursor there) or lost it (hide it). */
  focus(row: LayerRow | undefined): void;
}

export interface RowLabelOptions {
  rows: readonly LayerRow[];
  modelFile: string | undefined;
  rowH: number;
  top: number;
  /** The label column's width (the plot's left edge). */
  left: number;
  palette: Palette;
  measure: TextMeasure;
}

export function drawRowLabels(svgEl: SVGSVGElement, o: RowLabelOptions, on: RowLabelHandlers): void {
  const { rowH, palette, left } = o;
  const fontSize = fontSizeFor(rowH);
  const room = left - LABEL_GAP - LABEL_MARGIN;
  const measure = (s: string) => o.measure.width(s, fontSize, palette.fontFamily);
  let labels = select(svgEl).select<SVGGElement>('g.labels');
  if (labels.empty()) labels = select(svgEl).append('g').attr('class', 'labels');
  labels.attr('transform', `translate(0,${o.top})`);
  const g = labels
    .selectAll<SVGGElement, LayerRow>('g.row-label')
    .data(o.rows, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'row-label').attr('tabindex', 0).attr('role', 'button');
      e.append('rect').attr('class', 'row-hit');
      e.append('text');
      e.append('title');
      return e;
    })
    .attr('transform', (_, i) => `translate(0,${i * rowH})`)
    .attr('data-layer', (d) => d.id)
    .attr(
      'aria-label',
      (d) =>
        `Layer ${d.id} ${d.name}${d.source ? ` at ${shortLocation(d.source)}` : ''}: Enter reveals it in the source, Left and Right read its cells`,
    )
    .style('cursor', 'pointer');
  g.select('rect.row-hit').attr('width', left - 4).attr('height', rowH).attr('fill', 'transparent');
  g.select('title').text((d) => `${d.id}: ${d.name}${d.source ? `\n${shortLocation(d.source)}` : ''}\n(click to reveal in source)`);
  g.select('text')
    .attr('x', left - LABEL_GAP)
    .attr('y', rowH / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-size', fontSize)
    .each(function (d) {
      const p = fitLabel(labelParts(d, o.modelFile), room, measure);
      const parts: [string, string, 'path' | 'name' | 'where'][] = [];
      if (p.path) parts.push([p.path, palette.muted, 'path']);
      parts.push([`${p.path ? '  ' : ''}${p.name}`, palette.fg, 'name']);
      if (p.where) parts.push([`  ${p.where}`, palette.muted, 'where']);
      select(this)
        .selectAll('tspan')
        .data(parts)
        .join('tspan')
        .attr('class', (t) => `label-${t[2]}`)
        .attr('fill', (t) => t[1])
        .attr('xml:space', 'preserve')
        .text((t) => t[0]);
    });
  g.on('click', (_ev: MouseEvent, d) => on.activate(d)).on('keydown', (ev: KeyboardEvent, d) => {
    const el = ev.currentTarget as SVGGElement;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      on.activate(d);
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next = (ev.key === 'ArrowDown' ? el.nextElementSibling : el.previousElementSibling) as SVGGElement | null;
      next?.focus();
    } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft' || ev.key === 'Home' || ev.key === 'End') {
      ev.preventDefault();
      on.cursor(d, ev.key);
    } else if (ev.key === 'Escape') on.focus(undefined);
  });
  g.on('focus', (_ev: FocusEvent, d) => on.focus(d)).on('blur', () => on.focus(undefined));
}

/** Widths of every row's full label at the rows' font size (for sizing the label column). */
export function labelWidths(rows: readonly LayerRow[], modelFile: string | undefined, rowH: number, family: string, measure: TextMeasure): number[] {
  const size = fontSizeFor(rowH);
  return rows.map((r) => measure.width(labelText(labelParts(r, modelFile)), size, family));
}
