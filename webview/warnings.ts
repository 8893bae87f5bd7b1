// The warnings list: every anomaly with its message, the rule that fired (id, thresholds, source), the evidence,
// the hint, and a link to the layer's source line. Newest first; very long runs show the latest few hundred.
import { select } from 'd3';
import type { Anomaly, AnomalyKind, LayerRef } from '../protocol/messages';
import { jsonNumber, toCsv } from './export';
import { fmtNum, shortLocation } from './format';

export const KIND_LABELS: Record<AnomalyKind, string> = {
  vanishingGradient: 'Vanishing gradient',
  explodingGradient: 'Exploding gradient',
  deadRelu: 'Dead ReLU',
  saturation: 'Saturation',
  nonFinite: 'NaN / Inf',
  lossSpike: 'Loss spike',
  lossPlateau: 'Loss plateau',
  oscillation: 'Oscillation',
  updateRatio: 'Update ratio',
};

const MAX_SHOWN = 300;

export class WarningsList {
  private readonly list: HTMLOListElement;
  private readonly summary: HTMLParagraphElement;

  constructor(
    container: HTMLElement,
    private readonly onReveal: (layer: LayerRef) => void,
  ) {
    const doc = container.ownerDocument;
    this.summary = doc.createElement('p');
    this.summary.className = 'gl-warnings-summary';
    this.list = doc.createElement('ol');
    this.list.className = 'gl-warnings';
    container.append(this.summary, this.list);
  }

  render(anomalies: readonly Anomaly[]): void {
    const shown = anomalies.slice(-MAX_SHOWN).reverse();
    const offset = anomalies.length - shown.length;
    const counts = new Map<AnomalyKind, number>();
    for (const a of anomalies) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
    this.summary.textContent =
      anomalies.length === 0
        ? 'No warnings: every detector is quiet.'
        : `${anomalies.length} warning${anomalies.length === 1 ? '' : 's'}: ` +
          [...counts].map(([k, n]) => `${KIND_LABELS[k]} ×${n}`).join(', ') +
          (offset > 0 ? ` (latest ${MAX_SHOWN} shown)` : '');

    const entries = shown.map((a, k) => ({ a, index: anomalies.length - 1 - k }));
    const items = select(this.list)
      .selectAll<HTMLLIElement, { a: Anomaly; index: number }>('li.gl-warning')
      // Anomalies only ever append, so the position in the run is a stable key.
      .data(entries, (d) => String(d.index))
      .join((enter) => enter.append('li').attr('class', 'gl-warning').each((d, i, nodes) => this.fill(nodes[i], d.a)))
      .attr('data-kind', (d) => d.a.kind)
      .attr('data-step', (d) => d.a.step)
      .attr('data-layer', (d) => d.a.layer?.id ?? '');
    items.order();
  }

  private fill(li: HTMLLIElement, a: Anomaly): void {
    const doc = li.ownerDocument;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] => {
      const e = doc.createElement(tag);
      e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const head = el('div', 'gl-warning-head');
    const badge = el('span', `gl-badge gl-kind-${a.kind}`, KIND_LABELS[a.kind] ?? a.kind);
    const when = el('span', 'gl-when', `step ${a.step} · epoch ${a.epoch + 1}${a.phase ? ` · ${a.phase}` : ''}${a.op ? ` · op ${a.op}` : ''}`);
    head.append(badge, when);
    const layer = a.layer;
    if (layer) {
      // The module path first: layers built in a loop share their name and line, and differ only in it.
      const path = layer.id && layer.id !== layer.name ? `${layer.id} ` : '';
      const link = el('button', 'gl-link', `${path}${layer.name}${layer.source ? ` — ${shortLocation(layer.source)}` : ''}`);
      link.type = 'button';
      link.title = 'Reveal the layer in the source';
      link.setAttribute('aria-label', `Reveal ${path}${layer.name}${layer.source ? ` at ${shortLocation(layer.source)}` : ''} in the source`);
      link.addEventListener('click', () => this.onReveal(layer));
      head.append(link);
    }
    const msg = el('div', 'gl-warning-msg', a.message);
    const hint = el('div', 'gl-warning-hint', a.hint);
    const rule = el('div', 'gl-warning-rule');
    const thresholds = Object.entries(a.rule.thresholds)
      .map(([k, v]) => `${k} = ${fmtNum(v)}`)
      .join(', ');
    rule.append(
      el('span', 'gl-label', 'rule '),
      el('code', '', a.rule.id),
      doc.createTextNode(thresholds ? ` (${thresholds})` : ''),
    );
    rule.title = `${a.rule.description}\nSource: ${a.rule.source}`;
    const evidence = el('div', 'gl-warning-evidence');
    const ev = Object.entries(a.evidence);
    if (ev.length) {
      evidence.append(el('span', 'gl-label', 'evidence '));
      evidence.append(
        doc.createTextNode(ev.map(([k, v]) => `${k} = ${typeof v === 'number' ? fmtNum(v) : v}`).join(', ')),
      );
    }
    const desc = el('div', 'gl-warning-desc', `${a.rule.description} (${a.rule.source})`);
    li.append(head, msg, hint, rule, evidence, desc);
  }
}

export function anomaliesCsv(anomalies: readonly Anomaly[]): string {
  const rows: (string | number)[][] = [['step', 'epoch', 'kind', 'layer', 'source', 'rule', 'message', 'hint', 'evidence']];
  for (const a of anomalies) {
    rows.push([
      a.step,
      a.epoch,
      a.kind,
      a.layer?.id ?? '',
      a.layer?.source ? `${a.layer.source.file}:${a.layer.source.line}` : '',
      a.rule.id,
      a.message,
      a.hint,
      Object.entries(a.evidence)
        .map(([k, v]) => `${k}=${typeof v === 'number' ? jsonNumber(v) : v}`)
        .join('; '),
    ]);
  }
  return toCsv(rows);
}
