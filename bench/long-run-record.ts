// Writes the run record of a long run (default 1,000,000 steps) without training it, for measuring what a long
// record costs the CLI's report: `gradlens report` time, peak memory and report size.
//   node --import tsx bench/long-run-record.ts /tmp/long.jsonl [steps]
//   /usr/bin/time -v node dist/cli.js report /tmp/long.jsonl --out /tmp/long.html
// Shaped like a real record: a step every step, layer statistics of 8 layers every 10 steps, histograms every 50,
// an epoch every 1000, and one loss spike (one step at 50x) at 77.7% of the run that the report must still show.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { EngineMessage, LayerStats } from '../protocol/messages';

const file = process.argv[2];
const steps = Number(process.argv[3] ?? 1_000_000);
if (!file) throw new Error('usage: long-run-record.ts <out.jsonl> [steps]');
const fd = openSync(file, 'w');
let buf: string[] = [];
const put = (m: EngineMessage): void => {
  buf.push(JSON.stringify(m));
  if (buf.length >= 5000) flush();
};
const flush = (): void => {
  writeSync(fd, buf.join('\n') + '\n');
  buf = [];
};
const ids = ['0', '1', '2', '3', '4', '5', '6', '7'];
put({ type: 'hello', protocolVersion: 1, engine: 'gradlens', version: '0.1.0', capabilities: [], pid: 1234 } as EngineMessage);
// Typed as the protocol's messages (no casts): `gradlens report` checks every line against the schema and skips
// what does not fit, so a sloppy generator would measure a smaller report than a real run's.
put({ type: 'runStarted', runId: 'long', modelFile: '/home/someone/models/long.ts', startedAt: new Date(0).toISOString(), config: { optimizer: 'SGD', lr: 0.05, batchSize: 32, epochs: 1000, seed: 0, backend: 'auto', trainSize: 32000, valSize: 0, histogramEvery: 50 } });
const params = [{ name: 'weight', shape: [64, 64] }, { name: 'bias', shape: [64] }];
put({ type: 'graph', graph: { layers: ids.map((id) => ({ id, name: `Linear(64, 64)`, type: 'Linear', params, paramCount: 4160, outputShape: [32, 64] })), totalParams: 8 * 4160 } });
const spikeAt = Math.floor(steps * 0.777);
const hist = { min: -1, max: 1, counts: Array.from({ length: 30 }, (_, i) => 100 + i) };
for (let s = 0; s < steps; s++) {
  const loss = s === spikeAt ? 50 : 0.05 + 1 / (1 + s / 1000) + 0.01 * Math.sin(s);
  put({ type: 'step', step: s, epoch: Math.floor(s / 1000), batch: s % 1000, batchesPerEpoch: 1000, loss, lr: 0.05, samplesPerSec: 50000, stepMs: 0.6 });
  if (s % 10 === 0) {
    const layers: LayerStats[] = ids.map((id) => ({ id, gradNorm: 0.1 + 0.01 * Math.cos(s), gradMeanAbs: 1e-3, gradZeroFrac: 0, weightNorm: 3, updateRatio: 1e-3, act: { mean: 0.1, std: 1, min: -3, max: 3, zeroFrac: 0.4, satFrac: 0, nonFinite: 0 }, outGradNorm: 0.05 }));
    put({ type: 'layerStats', step: s, layers });
  }
  if (s % 50 === 0) put({ type: 'histograms', step: s, layers: ids.map((id) => ({ id, activation: hist, gradient: hist })) } as EngineMessage);
  if (s % 1000 === 999) put({ type: 'epoch', epoch: Math.floor(s / 1000), step: s, train: { loss: 0.06, accuracy: 0.98 }, durationMs: 600 });
}
put({ type: 'finished', reason: 'completed', step: steps, durationMs: steps * 0.6 });
flush();
closeSync(fd);
console.log(`${file}: ${steps.toLocaleString('en-US')} steps, spike at step ${spikeAt}`);
