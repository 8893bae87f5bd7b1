// The user's own metrics (gradlens.log({ name: value }) in their loop) on the loss chart, beside the built-in
// series: each is a line with points in a colour of its own, at the steps it was logged in. A metric whose name says
// it is a fraction (accuracy, precision, recall, F1, AUC, IoU) and whose values all lie in [0, 1] is drawn on the
// accuracy axis at the right, as the built-in validation accuracy is; every other metric on the loss axis, whose
// range then covers it. A metric logged every step is reduced to its lowest and highest value per pixel column.
import { select, type ScaleContinuousNumeric, type ScaleLinear } from 'd3';
import type { RunStore, UserSeries } from '../store';
import type { Palette } from '../theme';
import type { TimeLayout } from './layout';
import { ensure } from './svg';

/** Colours after the built-in three (loss, val loss, val accuracy): the rest of d3's category10. */
const USER_COLOURS = ['#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#d62728'];
const FRACTION_NAME = /acc|precision|recall|(^|[^a-z])f1|auc|iou|dice/i;
/** Points are marked with a dot while a series has at most this many. */
const MAX_DOTS = 60;

export interface UserLine {
  name: string;
  colour: string;
  axis: 'loss' | 'fraction';
  steps: Float64Array;
  values: Float64Array;
}

export function userLines(store: RunStore, palette: Palette): UserLine[] {
  const out: UserLine[] = [];
  let i = 0;
  for (const s of store.userMetrics.values()) {
    const colour = palette.highContrast ? palette.fg : USER_COLOURS[i % USER_COLOURS.length];
    out.push({ name: s.name, colour, axis: axisOf(s), steps: s.steps.view(), values: s.values.view() });
    i++;
  }
  return out;
}

function axisOf(s: UserSeries): 'loss' | 'fraction' {
  if (!FRACTION_NAME.test(s.name)) return 'loss';
  const v = s.values.view();
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]) && (v[i] < 0 || v[i] > 1)) return 'loss';
  return 'fraction';
}

/** The loss axis's range extended by the user metrics drawn on it. */
export function extendLossRange(lines: readonly UserLine[], range: { lo: number; hi: number; minPos: number }): void {
  for (const l of lines) {
    if (l.axis !== 'loss') continue;
    for (const v of l.values) {
      if (!Number.isFinite(v)) continue;
      if (v < range.lo) range.lo = v;
      if (v > range.hi) range.hi = v;
      if (v > 0 && v < range.minPos) range.minPos = v;
    }
  }
}

/** The points of a line as drawn: every point, or per pixel column its lowest and highest when there are more. */
export function linePoints(l: UserLine, x: (step: number) => number, plotWidth: number): Array<[number, number]> {
  const n = l.steps.length;
  const pts: Array<[number, number]> = [];
  if (n <= plotWidth) {
    for (let i = 0; i < n; i++) pts.push([x(l.steps[i] + 0.5), l.values[i]]);
    return pts;
  }
  let col = NaN;
  let lo = NaN;
  let hi = NaN;
  let px = 0;
  const flush = (): void => {
    if (Number.isNaN(lo)) pts.push([px, NaN]);
    else if (lo === hi) pts.push([px, lo]);
    else pts.push([px, lo], [px, hi]);
  };
  for (let i = 0; i < n; i++) {
    const xx = x(l.steps[i] + 0.5);
    const c = Math.floor(xx);
    if (c !== col) {
      if (!Number.isNaN(col)) flush();
      col = c;
      px = xx;
      lo = hi = NaN;
    }
    const v = l.values[i];
    if (Number.isFinite(v)) {
      if (!(v >= lo)) lo = v;
      if (!(v <= hi)) hi = v;
    }
  }
  if (!Number.isNaN(col)) flush();
  return pts;
}

/** SVG path through the points, lifting the pen over non-finite values. */
function path(pts: ReadonlyArray<[number, number]>, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const [px, v] of pts) {
    const yy = y(v);
    if (!Number.isFinite(v) || !Number.isFinite(yy)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px.toFixed(1)},${yy.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Draws every user metric into the loss plot (a group per metric, data-metric naming it). */
export function drawUserMetrics(
  plot: { node(): Element | null },
  lines: readonly UserLine[],
  layout: TimeLayout,
  yLoss: ScaleContinuousNumeric<number, number>,
  yFraction: ScaleLinear<number, number>,
  logScale: boolean,
): void {
  const root = ensure<SVGGElement>(plot, 'g', 'user-metrics');
  const groups = root
    .selectAll<SVGGElement, UserLine>('g.user-metric')
    .data(lines, (l) => l.name)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'user-metric');
      g.append('path').attr('class', 'user-line');
      g.append('g').attr('class', 'user-points');
      return g;
    })
    .attr('data-metric', (l) => l.name)
    .attr('data-axis', (l) => l.axis);
  groups.each(function (l) {
    const g = select<SVGGElement, UserLine>(this);
    const y = (v: number): number => (l.axis === 'fraction' ? yFraction(v) : yLoss(logScale && v <= 0 ? Number.MIN_VALUE : v));
    const pts = linePoints(l, layout.x, layout.plotWidth);
    g.select('path.user-line')
      .attr('d', path(pts, y))
      .attr('fill', 'none')
      .attr('stroke', l.colour)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', l.axis === 'fraction' ? '4 3' : null);
    const dots = pts.length <= MAX_DOTS ? pts.filter(([, v]) => Number.isFinite(v)) : [];
    g.select('g.user-points')
      .selectAll('circle')
      .data(dots)
      .join('circle')
      .attr('cx', (p) => p[0])
      .attr('cy', (p) => y(p[1]))
      .attr('r', 2.5)
      .attr('fill', l.colour);
  });
}

/** The hover's lines: each metric's latest value at or before `step`. */
export function userHoverLines(store: RunStore, step: number, fmt: (v: number) => string): string[] {
  const out: string[] = [];
  for (const s of store.userMetrics.values()) {
    const steps = s.steps.view();
    let i = steps.length - 1;
    while (i >= 0 && steps[i] > step) i--;
    if (i >= 0) out.push(`${s.name} ${fmt(s.values.get(i))}${steps[i] !== step ? ` (step ${steps[i]})` : ''}`);
  }
  return out;
}
