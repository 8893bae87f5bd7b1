// The panel's "what if" (docs/time-travel.md): the run's record re-scored with other detector thresholds, answered
// to the webview. It streams the record file through cli/rescore.ts's rescoreRecord (engine/monitor/replay.ts: the
// live Monitor fed the recorded step and layerStats messages), not the host's copy of the messages: that copy is
// thinned on long runs (extension/run/runState.ts), and so is the webview's store, and a thinned history would
// give other anomalies than the run's detectors saw. No VS Code import, so unit tests drive it directly.
import type { DetectorThresholds, HostToWebview } from '../../protocol/messages';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';
import { rescoreRecord } from '../../cli/rescore';

export type WhatIfAnswer = Extract<HostToWebview, { type: 'whatIf' }>;

const NAMES = Object.keys(DEFAULT_THRESHOLDS) as (keyof DetectorThresholds)[];

/** The known, finite thresholds of a webview's request (it crossed a postMessage boundary: checked, not trusted). */
export function checkedThresholds(value: unknown): Partial<DetectorThresholds> {
  const out: Partial<DetectorThresholds> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const name of NAMES) {
    const v = (value as Record<string, unknown>)[name];
    if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/**
 * Re-scores the record at `recordPath` with `base` (the user's threshold settings, what the run was started with)
 * overridden by `chosen`. Never throws: a missing or unreadable record comes back as `error`, shown in the panel.
 */
export async function answerWhatIf(
  recordPath: string | undefined,
  chosen: Partial<DetectorThresholds>,
  base: Partial<DetectorThresholds> = {},
  runId?: string,
): Promise<WhatIfAnswer> {
  const thresholds = checkedThresholds(chosen);
  const answer: WhatIfAnswer = { type: 'whatIf', runId, thresholds, steps: 0, anomalies: [] };
  if (!recordPath) return { ...answer, error: 'This run has no record to re-score (it was not recorded to a file).' };
  try {
    const r = await rescoreRecord(recordPath, { ...checkedThresholds(base), ...thresholds });
    return { ...answer, steps: r.steps, anomalies: r.anomalies };
  } catch (e) {
    return { ...answer, error: `Could not re-score ${recordPath}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
