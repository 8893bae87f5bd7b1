// The `gradlens` command: progress output, --json, --record, --report, --break-on and `gradlens report`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { cli, EXAMPLES, FIXTURES, ofType, tempDir } from './harness';

const TINY = path.join(FIXTURES, 'tiny.ts');

test('train prints epochs and the record path; --record and --report write their files', () => {
  const dir = tempDir();
  const r = cli(['train', TINY, '--record', 'out/run.jsonl', '--report', 'out/run.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^epoch 1\/2 .*train loss \d\.\d+ acc \d+\.\d+% \| val loss/m);
  assert.match(r.stdout, /^epoch 2\/2 /m);
  assert.match(r.stdout, /Finished \(completed\) after 26 steps/);
  assert.match(r.stdout, /^Kernels: .*\b(wasm|cpu|gpujs) \(.*MatMul/m, 'the CLI says which backend runs each kernel');
  const rec = readFileSync(path.join(dir, 'out/run.jsonl'), 'utf8').trim().split('\n');
  assert.equal(JSON.parse(rec[0]).type, 'hello');
  const html = readFileSync(path.join(dir, 'out/run.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /__GRADLENS_RUN__ = \[\{"type":"hello"/);
  // `gradlens report` renders the same record.
  const r2 = cli(['report', path.join(dir, 'out/run.jsonl'), '--out', 'again.html'], dir);
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(existsSync(path.join(dir, 'again.html')));
});

test('--json prints only protocol messages, one per line', () => {
  const r = cli(['train', TINY, '--json', '--max-steps', '5']);
  assert.equal(r.code, 0, r.stderr);
  const msgs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EngineMessage);
  assert.equal(msgs[0].type, 'hello');
  assert.equal(ofType(msgs, 'step').length, 5);
  assert.equal(msgs[msgs.length - 1].type, 'finished');
});

test('--break-on lossSpike stops the lr-spike example at the spike, prints the state, exits 3', () => {
  const r = cli(['train', path.join(EXAMPLES, 'lr-spike.ts'), '--break-on', 'lossSpike,nonFinite']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  const m = /Stopped at the first (\w+) \(--break-on\): step (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.ok(['lossSpike', 'nonFinite'].includes(m[1]));
  assert.ok(Number(m[2]) >= 150 && Number(m[2]) < 160, `stopped at step ${m[2]}`);
  assert.match(r.stderr, /loss: +\d/);
  assert.match(r.stderr, /evidence: /);
  assert.match(r.stdout, /Finished \(stopped\)/);
});

test('usage errors exit 2 and name the problem', () => {
  const r = cli(['train', TINY, '--break-on', 'nosuchkind']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown anomaly kind "nosuchkind"/i);
  assert.equal(cli(['frobnicate']).code, 2);
});
