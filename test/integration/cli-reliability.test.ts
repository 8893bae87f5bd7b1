// The `gradlens` command on long runs and wrong input (issue 24): a long record gives a small report without
// ever being held whole; missing records, folders, notebooks, unwritable outputs and a .gradlens file get one
// clear line each, never a stack trace; --redact makes a report that can be shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, FIXTURES, cli, tempDir } from './harness';

const TINY = path.join(FIXTURES, 'tiny.ts');

function noStack(r: { stderr: string }): void {
  assert.doesNotMatch(r.stderr, /^\s+at /m, r.stderr);
  assert.doesNotMatch(r.stderr, /Gradlens bug/, r.stderr);
}

test('report of a 200,000-step record: a report of a few MB that still shows the one-step spike', () => {
  const dir = tempDir();
  const record = path.join(dir, 'long.jsonl');
  const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'long-run-record.ts'), record, '200000'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const spikeAt = Number(/spike at step (\d+)/.exec(gen.stdout)?.[1]);
  const r = cli(['report', record, '--out', 'long.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Report: long\.html \(200,000 steps\)/);
  const html = readFileSync(path.join(dir, 'long.html'), 'utf8');
  assert.ok(statSync(record).size > 60e6 && html.length < 8e6, `record ${statSync(record).size} B -> report ${html.length} B`);
  assert.ok(html.includes(`{"type":"step","step":${spikeAt},`), 'the spike is in the report');
});

test('report: a missing record, a folder, and an empty file get one clear line, exit 1', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'empty.jsonl'), '');
  for (const [args, re] of [
    [['report', 'nope.jsonl', '--out', 'r.html'], /nope\.jsonl: no such run record/],
    [['report', '.', '--out', 'r.html'], /is a folder: give one run record/],
    [['report', 'empty.jsonl', '--out', 'r.html'], /holds no Gradlens messages/],
  ] as const) {
    const r = cli([...args], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, re);
    noStack(r);
  }
});

test('train: a notebook or a folder is not called a syntax error; a bad --record fails before training', () => {
  const dir = tempDir();
  // .py files are PyTorch scripts now (docs/pytorch.md); a notebook is what a user may still try.
  writeFileSync(path.join(dir, 'model.ipynb'), '{"cells": []}\n');
  const nb = cli(['train', 'model.ipynb'], dir);
  assert.equal(nb.code, 1);
  assert.match(nb.stderr, /trains TypeScript or JavaScript model files .* not \.ipynb/);
  const folder = cli(['train', '.'], dir);
  assert.match(folder.stderr, /is a folder: give the model file to train/);
  const rec = cli(['train', TINY, '--record', '/dev/null/x'], dir);
  assert.equal(rec.code, 1);
  assert.match(rec.stderr, /--record \/dev\/null\/x: cannot create its folder \/dev\/null \(a file stands where a folder of its path should be\)/);
  assert.doesNotMatch(rec.stdout, /Training/, 'nothing trained');
  for (const r of [nb, folder, rec]) noStack(r);
});

test('train: .gradlens existing as a file is the user\'s setup, said in one line, not "a Gradlens bug"', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, '.gradlens'), 'not a folder');
  const r = cli(['train', TINY], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot create the run record .*is \.gradlens a file\?/s);
  noStack(r);
});

test('--report-redact: the shared report has no stack, no absolute path, no pid', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'out'));
  const r = cli(['train', path.join(FIXTURES, 'shape-mismatch.ts'), '--report', 'out/r.html', '--report-redact'], dir);
  assert.equal(r.code, 1, r.stderr);
  const html = readFileSync(path.join(dir, 'out/r.html'), 'utf8');
  const run = html.slice(html.indexOf('__GRADLENS_RUN__'), html.indexOf('</script>'));
  assert.match(run, /shape-mismatch\.ts:\d+/, 'locations stay, relative');
  for (const secret of [FIXTURES, dir, '"stack"', '"pid"', '"recordPath"']) assert.ok(!run.includes(secret), `leaks ${secret}`);
});
