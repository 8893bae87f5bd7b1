// How the CLI prints engine messages for a person: a progress bar per epoch on a terminal (plain lines when
// piped), warnings and errors with the user's file:line first so terminals make them clickable.
import type { Anomaly, EngineMessageOf, ErrorInfo } from '../protocol/messages';
import { formatLocation } from '../protocol/messages';

export function num(v: number | null, digits = 4): string {
  // NaN and Infinity travel as null in JSON.
  if (v === null) return 'NaN';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
}

/** "/3" of "epoch 1/3"; nothing when the count is unknown (0: a script's own loop decides). */
function ofEpochs(epochs: number): string {
  return epochs > 0 ? `/${epochs}` : '';
}

export function progressBar(step: EngineMessageOf<'step'>, epochs: number, width = 28): string {
  const done = Math.min(1, (step.batch + 1) / Math.max(1, step.batchesPerEpoch));
  const fill = Math.round(done * width);
  return `epoch ${step.epoch + 1}${ofEpochs(epochs)} [${'='.repeat(fill)}${' '.repeat(width - fill)}] ${step.batch + 1}/${step.batchesPerEpoch} loss ${num(step.loss)} lr ${num(step.lr, 5)} ${Math.round(step.samplesPerSec)} samples/s`;
}

export function formatEpoch(m: EngineMessageOf<'epoch'>, epochs: number): string {
  const acc = (a?: number): string => (a === undefined ? '' : ` acc ${(a * 100).toFixed(2)}%`);
  const val = m.val ? ` | val loss ${num(m.val.loss)}${acc(m.val.accuracy)}` : '';
  return `epoch ${m.epoch + 1}${ofEpochs(epochs)} (step ${m.step}, ${(m.durationMs / 1000).toFixed(1)} s): train loss ${num(m.train.loss)}${acc(m.train.accuracy)}${val}`;
}

/** One gradlens.log call: "step 375 (epoch 3): val_loss 0.3120, val_acc 0.9140" (null on the wire: NaN). */
export function formatMetrics(m: EngineMessageOf<'metrics'>): string {
  const values = Object.entries(m.values).map(([name, v]) => `${name} ${num(v as number | null)}`);
  return `step ${m.step}${m.epoch === undefined ? '' : ` (epoch ${m.epoch + 1})`}: ${values.join(', ')}`;
}

export function formatAnomaly(a: Anomaly): string {
  const where = a.layer?.source ? `${formatLocation(a.layer.source)}: ` : '';
  return `${where}warning: [${a.kind}] ${a.message} (step ${a.step}, rule ${a.rule.id})\n    hint: ${a.hint}`;
}

export function formatError(e: ErrorInfo): string {
  // Compiler style, "file:line:col: error: message", which terminals and VS Code make clickable.
  let message = e.message;
  let where = '';
  if (e.location) {
    const full = formatLocation(e.location);
    const short = `${e.location.file}:${e.location.line}`;
    where = `${full}: `;
    if (message.startsWith(`${full}: `)) message = message.slice(full.length + 2);
    else if (message.startsWith(`${short}: `)) message = message.slice(short.length + 2);
  }
  const lines = [`${where}error: ${message}`];
  if (e.hint) lines.push(`    hint: ${e.hint}`);
  return lines.join('\n');
}

/** The state printed when --break-on stops the run. */
export function formatBreak(a: Anomaly, lastLoss: number | undefined): string {
  const lines = [
    `Stopped at the first ${a.kind} (--break-on): step ${a.step}, epoch ${a.epoch + 1}`,
    `  loss:     ${lastLoss === undefined ? '?' : num(lastLoss)}`,
  ];
  if (a.layer) lines.push(`  layer:    ${a.layer.name} (${a.layer.id})${a.layer.source ? ` at ${formatLocation(a.layer.source)}` : ''}`);
  if (a.op) lines.push(`  op:       ${a.op} (${a.phase ?? ''} pass)`);
  lines.push(`  rule:     ${a.rule.id}: ${a.rule.description} [${Object.entries(a.rule.thresholds).map(([k, v]) => `${k}=${v}`).join(', ')}] (${a.rule.source})`);
  lines.push(`  evidence: ${Object.entries(a.evidence).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 6) : v}`).join(', ')}`);
  lines.push(`  ${a.message}`);
  lines.push(`  hint:     ${a.hint}`);
  return lines.join('\n');
}

/** "Kernels: wasm (MatMul, Conv2D, ...), cpu (SgdUpdate)": which backend runs each heavy kernel. */
export function formatKernels(backends: Record<string, string>): string {
  const byBackend = new Map<string, string[]>();
  for (const [kernel, backend] of Object.entries(backends)) byBackend.set(backend, [...(byBackend.get(backend) ?? []), kernel]);
  return `Kernels: ${[...byBackend].map(([b, ks]) => `${b} (${ks.join(', ')})`).join(', ')}`;
}
