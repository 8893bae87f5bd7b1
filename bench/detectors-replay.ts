// Replays recorded runs (.gradlens/runs/*.jsonl, or `gradlens train <model> --record <file>`) through every detector
// with the default thresholds: the losses of each step, and the layer statistics of the statistics steps, rebuilt
// into the StepSamples the engine's Monitor saw. Prints, per run and per kind, how many warnings the run recorded
// (the detectors it was made with) and how many the current detectors give, with the first steps they fire at.
// How docs/detectors.md's "healthy runs stay silent" figures are measured:
//   node --import tsx bench/detectors-replay.ts <run.jsonl>...
// Not replayed: the deadRelu unit-activity rule (per-unit activity is not in the record) and nonFinite op tracing.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { LayerStats } from '../protocol/messages';
import type { LayerMeta, StepSample } from '../engine/monitor/detector';
import { Monitor } from '../engine/monitor/monitor';

interface Counts {
  recorded: Map<string, number>;
  now: Map<string, number[]>;
  steps: number;
}

async function replay(file: string): Promise<Counts> {
  const monitor = new Monitor();
  const counts: Counts = { recorded: new Map(), now: new Map(), steps: 0 };
  let layers: LayerMeta[] = [];
  let pending: StepSample | undefined;
  const flush = (): void => {
    if (!pending) return;
    for (const a of monitor.observe(pending)) {
      const list = counts.now.get(a.kind) ?? [];
      list.push(a.step);
      counts.now.set(a.kind, list);
    }
    pending = undefined;
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as { type: string } & Record<string, unknown>;
    if (m.type === 'graph') {
      const g = m.graph as { layers: { id: string; name: string; type: string }[] };
      layers = g.layers.map((l) => ({ id: l.id, name: l.name, type: l.type }));
    } else if (m.type === 'step') {
      flush();
      counts.steps++;
      const loss = (m.loss as number | null) ?? NaN;
      pending = { step: m.step as number, epoch: m.epoch as number, loss, lr: m.lr as number | undefined, layers };
    } else if (m.type === 'layerStats' && pending && m.step === pending.step) {
      pending.stats = m.layers as LayerStats[];
    } else if (m.type === 'anomaly') {
      const kind = (m.anomaly as { kind: string }).kind;
      counts.recorded.set(kind, (counts.recorded.get(kind) ?? 0) + 1);
    }
  }
  flush();
  return counts;
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
