// `gradlens rescore`: a recorded run re-scored with other thresholds, without training again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cli, EXAMPLES, tempDir } from './harness';

test('rescore finds the lr-spike run\'s loss spike with the default thresholds and none with lossSpikeRatio=1e9', () => {
  const dir = tempDir();
  const rec = cli(['train', path.join(EXAMPLES, 'lr-spike.ts'), '--max-steps', '200', '--record', 'run.jsonl'], dir);
  assert.equal(rec.code, 0, rec.stderr);

  const byDefault = cli(['rescore', 'run.jsonl'], dir);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  assert.match(byDefault.stdout, /steps rescored with the default thresholds: .*lossSpike 1/);
  assert.match(byDefault.stdout, /^ {2}step \d+ {2}lossSpike {2}.+$/m);

  const json = cli(['rescore', 'run.jsonl', '--json'], dir);
  assert.equal(json.code, 0, json.stderr);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string; counts?: Record<string, number> });
  assert.equal(lines.filter((l) => l.type === 'anomaly' && l.kind === 'lossSpike').length, 1);
  assert.equal(lines[lines.length - 1].type, 'summary');
  assert.equal(lines[lines.length - 1].counts?.lossSpike, 1);

  const high = cli(['rescore', 'run.jsonl', '--threshold', 'lossSpikeRatio=1e9', '--json'], dir);
  assert.equal(high.code, 0, high.stderr);
  const highLines = high.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string; counts?: Record<string, number> });
  assert.equal(highLines.filter((l) => l.kind === 'lossSpike').length, 0);
  assert.equal(highLines[highLines.length - 1].counts?.lossSpike, undefined);

  const bad = cli(['rescore', 'run.jsonl', '--threshold', 'lossSpikeRatoi=3'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^gradlens: --threshold lossSpikeRatoi=3: unknown threshold "lossSpikeRatoi" \(thresholds: .*lossSpikeRatio.*\)\n$/);
  const nan = cli(['rescore', 'run.jsonl', '--threshold=lossSpikeRatio=abc'], dir);
  assert.equal(nan.code, 1);
  assert.match(nan.stderr, /lossSpikeRatio needs a number/);
  const missing = cli(['rescore', 'nope.jsonl'], dir);
  assert.equal(missing.code, 1);
});
