// How the end of a run reads in the Output channel and the status bar, as pure functions so the wording is tested
// without VS Code. A run that failed before its first step has no step count (the engine sends -1) and must not
// read as "finished".
import type { EngineMessageOf } from '../../protocol/messages';

type Finished = EngineMessageOf<'finished'>;

/** "12.3 s", "575 ms", "2 min 5 s": the run's wall time at the precision a reader can use. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

const VERB: Record<Finished['reason'], string> = { completed: 'completed', stopped: 'stopped', error: 'failed' };

/** The Output channel's last line of a run: "completed after 375 steps in 12.3 s", "failed before the first step (575 ms)". */
export function finishedLine(m: Finished): string {
  const steps = m.step > 0 ? `after ${m.step} step${m.step === 1 ? '' : 's'}` : 'before the first step';
  return `run ${VERB[m.reason]} ${steps} in ${durationText(m.durationMs)}`;
}

/** The status bar's text and icon for a run that ended without a single step (otherwise the step line stays). */
export function endedWithoutSteps(reason: Finished['reason'] | undefined): { icon: string; text: string } {
  if (reason === 'error') return { icon: '$(error)', text: 'failed before the first step' };
  if (reason === 'stopped') return { icon: '$(debug-stop)', text: 'stopped before the first step' };
  return { icon: '$(check)', text: 'finished without a step' };
}
