// The loss chart's exports: SVG (a copy of the chart on its background, without the interaction layers; PNG is
// rendered from it), CSV (one row per step, then one per epoch, then one per logged value of the user's metrics) and JSON.
import { jsonNumber, serializeSvg, SVG_NS, toCsv } from '../export';
import type { RunStore } from '../store';

export function lossSvg(svg: SVGSVGElement, width: number, height: number, background: string): { svg: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.querySelector('rect.hit')?.remove();
  clone.querySelector('line.crosshair')?.remove();
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  clone.insertBefore(bg, clone.firstChild);
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { svg: serializeSvg(clone), width, height };
}

export function lossCsv(s: RunStore, smoothed: ArrayLike<number>): string {
  const rows: (string | number)[][] = [['step', 'loss', 'smoothed', 'lr', 'samplesPerSec']];
  for (let i = 0; i < s.stepNo.length; i++) {
    rows.push([s.stepNo.get(i), s.loss.get(i), smoothed[i], s.lr.get(i), s.samplesPerSec.get(i)]);
  }
  rows.push([]);
  rows.push(['epoch', 'step', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'durationMs']);
  for (const e of s.epochs) {
    rows.push([e.epoch, e.step, e.trainLoss, e.trainAccuracy ?? '', e.valLoss ?? '', e.valAccuracy ?? '', e.durationMs]);
  }
  if (s.userMetrics.size > 0) {
    rows.push([]);
    rows.push(['metric', 'step', 'value']);
    for (const m of s.userMetrics.values()) for (let i = 0; i < m.steps.length; i++) rows.push([m.name, m.steps.get(i), m.values.get(i)]);
  }
  return toCsv(rows);
}

export function lossJson(s: RunStore, smoothed: ArrayLike<number>, smoothing: number): string {
  const n = s.stepNo.length;
  return JSON.stringify({
    smoothing,
    steps: Array.from({ length: n }, (_, i) => ({
      step: s.stepNo.get(i),
      loss: jsonNumber(s.loss.get(i)),
      smoothed: jsonNumber(smoothed[i]),
      lr: jsonNumber(s.lr.get(i)),
      samplesPerSec: jsonNumber(s.samplesPerSec.get(i)),
    })),
    epochs: s.epochs,
    metrics: Object.fromEntries(
      [...s.userMetrics.values()].map((m) => [m.name, Array.from({ length: m.steps.length }, (_, i) => ({ step: m.steps.get(i), value: jsonNumber(m.values.get(i)) }))]),
    ),
  });
}
