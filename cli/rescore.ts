// `gradlens rescore`: "what if" the run had other thresholds. Replays a recorded run through the detectors
// (engine/monitor/replay.ts, the code live detection runs) without training, and prints what they find.
import type { Anomaly, DetectorThresholds } from '../protocol/messages';
import { DEFAULT_THRESHOLDS } from '../protocol/thresholds';
import { RecordChecker } from '../host/run-record';
import { RecordReplay } from '../engine/monitor/replay';
import { scanRecord } from './record-stream';

/** Bad input to rescore (an unknown threshold, a record that is not one): one line, exit 1. */
export class RescoreInputError extends Error {}

const NAMES = Object.keys(DEFAULT_THRESHOLDS) as (keyof DetectorThresholds)[];

/** `name=value` pairs of --threshold, checked against the detectors' threshold names. */
export function parseThresholds(pairs: readonly string[]): Partial<DetectorThresholds> {
  const out: Partial<DetectorThresholds> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : pair.trim();
    const raw = eq > 0 ? pair.slice(eq + 1).trim() : '';
    if (!(NAMES as string[]).includes(name)) throw new RescoreInputError(`--threshold ${pair}: unknown threshold "${name}" (thresholds: ${NAMES.join(', ')})`);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw new RescoreInputError(`--threshold ${pair}: ${name} needs a number, as in ${name}=${DEFAULT_THRESHOLDS[name as keyof DetectorThresholds]} (got "${raw}")`);
    out[name as keyof DetectorThresholds] = value;
  }
  return out;
}

export interface Rescored {
  steps: number;
  anomalies: Anomaly[];
  /** Per kind, the anomalies the record itself holds (the thresholds it was recorded with). */
  recorded: Map<string, number>;
  skipped: number;
  problem?: string;
}

/** Streams the record, checking each message against the protocol's schema as `gradlens report` does. */
export async function rescoreRecord(file: string, thresholds: Partial<DetectorThresholds>): Promise<Rescored> {
  const replay = new RecordReplay(thresholds);
  const checker = new RecordChecker('update Gradlens', 'message');
  const anomalies: Anomaly[] = [];
  let messages = 0;
  const scan = await scanRecord(file, (v) => {
    if (checker.newer) return;
    let m;
    try {
      m = checker.check(v);
    } catch {
      return; // checker.newer is set and reported below
    }
    if (!m) return;
    messages++;
    for (const a of replay.push(m)) anomalies.push(a);
  });
  if (checker.newer) throw new RescoreInputError(`${file}: ${checker.newer}`);
  for (const a of replay.finish()) anomalies.push(a);
  if (messages === 0) throw new RescoreInputError(`${file} holds no Gradlens messages (is it a run record, .gradlens/runs/*.jsonl?)`);
  return { steps: replay.steps, anomalies, recorded: replay.recorded, skipped: scan.unreadable + checker.invalid, problem: checker.firstProblem };
}

function countByKind(anomalies: readonly Anomaly[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of anomalies) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}

/** The text of `gradlens rescore`: a per-kind summary, then one line per anomaly (step, kind, layer, message). */
export function formatRescore(r: Rescored, thresholds: Partial<DetectorThresholds>): string[] {
  const counts = countByKind(r.anomalies);
  const set = Object.entries(thresholds).map(([k, v]) => `${k}=${v}`);
  const kinds = Object.keys(counts).sort().map((k) => `${k} ${counts[k]} (recorded ${r.recorded.get(k) ?? 0})`);
  const lines = [`${r.steps.toLocaleString('en-US')} steps rescored${set.length ? ` with ${set.join(', ')}` : ' with the default thresholds'}: ${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'}${kinds.length ? `: ${kinds.join('; ')}` : ''}`];
  for (const a of r.anomalies) lines.push(`  step ${a.step}  ${a.kind}  ${a.layer ? a.layer.name : '-'}  ${a.message}`);
  return lines;
}

/** --json: one object per anomaly (JSON Lines), then a summary line. */
export function jsonRescore(r: Rescored, thresholds: Partial<DetectorThresholds>): string[] {
  const lines = r.anomalies.map((a) => JSON.stringify({ type: 'anomaly', step: a.step, epoch: a.epoch, kind: a.kind, layer: a.layer?.name ?? null, layerId: a.layer?.id ?? null, message: a.message }));
  lines.push(JSON.stringify({ type: 'summary', steps: r.steps, anomalies: r.anomalies.length, counts: countByKind(r.anomalies), recorded: Object.fromEntries(r.recorded), thresholds, skipped: r.skipped }));
  return lines;
}
