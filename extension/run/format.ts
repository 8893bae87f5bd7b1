// Text the extension shows (status bar, decorations, hovers, Problems entries, variables), as pure functions so the
// wording is tested without VS Code.
import type { Anomaly, AnomalyKind, LayerStats, TensorSummary } from '../../protocol/messages';
import type { RunState } from './runState';

/** Compact number: 3 significant digits, scientific outside [1e-3, 1e5). */
export function fmt(v: number | undefined): string {
  if (v === undefined) return '-';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

export function shape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** "epoch 2/5 · step 340 · loss 0.431 · 1234 samples/s" (samples/s: see RunState.samplesPerSec). */
export function statusText(state: RunState): string {
  const s = state.lastStep;
  if (!s) return state.phase === 'finished' ? 'finished' : 'starting…';
  const epochs = state.config?.epochs;
  const parts = [
    `epoch ${s.epoch + 1}${epochs ? '/' + epochs : ''}`,
    // The reducer's step, which the panel shows too: at the end it is the engine's own count in `finished`.
    `step ${state.progress.step ?? s.step}`,
    `loss ${fmt(s.loss)}`,
    `${Math.round(state.samplesPerSec())} samples/s`,
  ];
  if (state.phase === 'paused') parts.push('paused');
  if (state.phase === 'finished') parts.push(state.finished?.reason ?? 'finished');
  return parts.join(' · ');
}

export const ANOMALY_TITLES: Record<AnomalyKind, string> = {
  vanishingGradient: 'Vanishing gradient',
  explodingGradient: 'Exploding gradient',
  deadRelu: 'Dead ReLU',
  saturation: 'Saturation',
  nonFinite: 'NaN/Inf',
  lossSpike: 'Loss spike',
  lossPlateau: 'Loss plateau',
  oscillation: 'Oscillation',
  updateRatio: 'Update ratio',
};

function evidenceText(evidence: Anomaly['evidence']): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
    .join(', ');
}

/** The Problems entry: the message, then the rule and the evidence that made it fire. */
export function diagnosticMessage(a: Anomaly): string {
  const lines = [a.message, `Rule ${a.rule.id}: ${a.rule.description}`];
  const ev = evidenceText(a.evidence);
  if (ev) lines.push(`Evidence: ${ev}`);
  if (a.hint) lines.push(`Try: ${a.hint}`);
  return lines.join('\n');
}

/** Text after a layer's line: the latest gradient norm, and a warning mark with the kinds that fired. */
export function decorationText(stats: LayerStats | undefined, anomalies: readonly Anomaly[]): string {
  const parts: string[] = [];
  if (stats?.gradNorm !== undefined) parts.push(`∇ ${fmt(stats.gradNorm)}`);
  else if (stats?.outGradNorm !== undefined) parts.push(`∇out ${fmt(stats.outGradNorm)}`);
  if (anomalies.length) {
    const kinds = [...new Set(anomalies.map((a) => ANOMALY_TITLES[a.kind]))];
    parts.push(`⚠ ${kinds.join(', ')}`);
  }
  return parts.join('  ');
}

/** Markdown hover: a table of the layer's recent statistics and its anomalies. */
export function layerHoverMarkdown(
  title: string,
  history: readonly { step: number; stats: LayerStats }[],
  anomalies: readonly Anomaly[],
): string {
  const out = [`**${title}**`, ''];
  if (history.length) {
    out.push('| step | ‖∇‖ | ‖w‖ | update/w | act mean | act std | zero % | sat % |');
    out.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const { step, stats: s } of [...history].reverse()) {
      const pct = (v: number | undefined) => (v === undefined ? '-' : `${fmt(v * 100)}`);
      out.push(
        `| ${step} | ${fmt(s.gradNorm ?? s.outGradNorm)} | ${fmt(s.weightNorm)} | ${fmt(s.updateRatio)} | ` +
          `${fmt(s.act?.mean)} | ${fmt(s.act?.std)} | ${pct(s.act?.zeroFrac)} | ${pct(s.act?.satFrac)} |`,
      );
    }
  } else {
    out.push('No statistics yet.');
  }
  for (const a of anomalies.slice(-5)) out.push('', `⚠ ${a.message}`);
  return out.join('\n');
}

/** "[64, 784] mean=0.01 std=0.2 min=-1 max=1 ‖·‖=3.2 NaN=0" — shape first, as the Variables view shows it. */
export function tensorSummaryText(t: TensorSummary): string {
  const nonFinite = t.nanCount || t.infCount ? ` NaN=${t.nanCount} Inf=${t.infCount}` : ' NaN=0';
  return (
    `${shape(t.shape)} mean=${fmt(t.mean)} std=${fmt(t.std)} min=${fmt(t.min)} max=${fmt(t.max)} ` +
    `norm=${fmt(t.norm)}${nonFinite}`
  );
}
