// A traced step (the engine's stepTrace message) as Debug Console text: the first op that made a NaN or Inf, the
// layer whose gradient norm left its range first, the losses of the replayed steps and the largest op outputs.
import type { StepTrace } from '../../protocol/messages';

// An op outside any layer (the loss function called on its own) has no layer id, or the root's empty one.

const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(3));

export function traceText(t: StepTrace): string {
  const lines: string[] = [];
  const replayed = t.losses.length > 1 ? `, replayed from step ${t.losses[0].step}` : '';
  lines.push(`⟲ step ${t.step} traced: ${t.ops.length + t.opsLeftOut} op outputs (forward and backward)${replayed}.`);
  const first = t.firstNonFinite !== undefined ? t.ops[t.firstNonFinite] : undefined;
  lines.push(
    first
      ? `  first NaN/Inf: ${first.op} (${first.phase})${first.layerId ? ` in layer ${first.layerId}` : ''}, ${first.nonFinite} of ${first.shape.reduce((a, b) => a * b, 1)} values, op #${(t.firstNonFinite ?? 0) + 1}`
      : '  no op made a NaN or Inf.',
  );
  const jump = t.gradJumps[0];
  if (jump) {
    const before = t.step - jump.step;
    lines.push(`  gradient norm left its range first: ${jump.name} (${jump.layerId}) at step ${jump.step} (x${num(jump.ratio)} its median)${before > 0 ? `, ${before} step${before > 1 ? 's' : ''} before this one` : ''}`);
  } else if (t.gradNorms.length) {
    lines.push('  no layer\'s gradient norm left its range over the replayed steps.');
  }
  if (t.losses.length) lines.push(`  loss: ${t.losses.slice(-8).map((l) => `${l.step} ${num(l.loss)}`).join(', ')}`);
  const size = (o: StepTrace['ops'][number]): number => Math.max(Math.abs(o.min ?? 0), Math.abs(o.max ?? 0));
  const largest = t.ops.filter((o) => Number.isFinite(size(o))).sort((a, b) => size(b) - size(a)).slice(0, 3);
  if (largest.length) lines.push(`  largest outputs: ${largest.map((o) => `${o.op} (${o.phase}${o.layerId ? `, ${o.layerId}` : ''}) |x| ${num(size(o))}`).join('; ')}`);
  return lines.join('\n');
}
