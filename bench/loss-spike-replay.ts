// Replays the losses of recorded runs (.gradlens/runs/*.jsonl) through the lossSpike detector with the default
// thresholds and prints how many warnings each run gets and at which steps, next to the warnings the run itself
// recorded (the detector the run was made with). How docs/detectors.md's lossSpike figures were measured:
//   node --import tsx bench/loss-spike-replay.ts <run.jsonl>...
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LossSpikeDetector } from '../engine/monitor/detectors/loss-spike';
import { resolveThresholds } from '../protocol/thresholds';

async function replay(file: string): Promise<string> {
  const th = resolveThresholds();
  const detector = new LossSpikeDetector();
  const fired: number[] = [];
  let recorded = 0;
  let steps = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.includes('"kind":"lossSpike"')) recorded++;
    if (!line.startsWith('{"type":"step"')) continue;
    const m = JSON.parse(line) as { step: number; epoch: number; loss: number | null };
    steps++;
    const loss = m.loss ?? NaN;
    for (const a of detector.observe({ step: m.step, epoch: m.epoch, loss, layers: [] }, th)) fired.push(a.step);
  }
  const shown = fired.length > 12 ? `${fired.slice(0, 12).join(', ')}, ...` : fired.join(', ');
  return `${path.basename(file)}: ${steps} steps, recorded lossSpike ${recorded}, now ${fired.length}${fired.length ? ` (steps ${shown})` : ''}`;
}

void (async () => {
  for (const f of process.argv.slice(2)) console.log(await replay(f));
})();
