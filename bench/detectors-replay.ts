// Replays recorded runs (.gradlens/runs/*.jsonl, or `gradlens train <model> --record <file>`) through every detector
// with the default thresholds (engine/monitor/replay.ts, the code `gradlens rescore` runs). Prints, per run and per
// kind, how many warnings the run recorded (the detectors it was made with) and how many the current detectors give,
// with the first steps they fire at.
// How docs/detectors.md's "healthy runs stay silent" figures are measured:
//   node --import tsx bench/detectors-replay.ts <run.jsonl>...
import path from 'node:path';
import { scanRecord } from '../cli/record-stream';
import { RecordReplay } from '../engine/monitor/replay';
import { checkEngineMessage } from '../protocol/validate';

interface Counts {
  recorded: Map<string, number>;
  now: Map<string, number[]>;
  steps: number;
}

async function replay(file: string): Promise<Counts> {
  const replayer = new RecordReplay();
  const now = new Map<string, number[]>();
  const count = (anomalies: { kind: string; step: number }[]): void => {
    for (const a of anomalies) {
      const steps = now.get(a.kind) ?? [];
      steps.push(a.step);
      now.set(a.kind, steps);
    }
  };
  await scanRecord(file, (v) => {
    const checked = checkEngineMessage(v);
    if (checked.ok) count(replayer.push(checked.value));
  });
  count(replayer.finish());
  return { recorded: replayer.recorded, now, steps: replayer.steps };
}

function describe(file: string, c: Counts): string {
  const kinds = new Set([...c.recorded.keys(), ...c.now.keys()]);
  const parts = [...kinds].sort().map((k) => {
    const steps = c.now.get(k) ?? [];
    const shown = steps.length > 6 ? `${steps.slice(0, 6).join(', ')}, ...` : steps.join(', ');
    return `${k} ${c.recorded.get(k) ?? 0} -> ${steps.length}${steps.length ? ` (steps ${shown})` : ''}`;
  });
  return `${path.basename(file)}: ${c.steps} steps; recorded -> now: ${parts.join('; ') || 'none'}`;
}

void (async () => {
  for (const f of process.argv.slice(2)) console.log(describe(f, await replay(f)));
})();
