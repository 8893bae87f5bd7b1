// Faults and loads that once broke the engine child (issue 24): a model that prints on every batch, Ctrl-C in a
// terminal, an unhandled promise rejection in the model file, a disk that fills up during a run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseRecord } from '../../engine/process/run-record';
import type { EngineMessage } from '../../protocol/messages';
import { CLI, EXAMPLES, FIXTURES, ensureBuilt, launch, ofType, killAll, tempDir, waitFor } from './harness';

after(killAll);

const PRINTS = path.join(FIXTURES, 'prints-every-batch.ts');

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a model printing 20 lines a batch keeps the engine flat in memory, its output visible, and stops cleanly', { skip: !existsSync('/proc/self/status') }, async () => {
  const { client, messages } = await launch();
  await client.start({ modelFile: PRINTS });
  await waitFor(client, (m) => m.type === 'step');
  await sleep(1500);
  const early = rssMb(client.pid);
  await sleep(4000);
  const late = rssMb(client.pid);
  await client.stop();
  // Before: about 8-25 MB a second (246 MB -> 2.2 GB in 42 s), from queued log messages. Now flat after warm-up.
  assert.ok(late - early < 40, `engine RSS ${early.toFixed(0)} -> ${late.toFixed(0)} MB in 4 s`);
  const logs = ofType(messages, 'log');
  assert.match(logs[0].message, /^forward: batch shape \[ 32, 2 \] line 0$/);
  assert.ok(logs.some((l) => l.message === 'raw stdout line'), 'process.stdout.write arrives as log lines too');
  const notices = logs.filter((l) => /more lines of output .* were left out/.test(l.message));
  assert.ok(notices.length >= 3, 'says how many lines were left out');
  // At most 100 lines a second get through, and one notice per second.
  const steps = ofType(messages, 'step');
  assert.ok(logs.length < 100 * 8 + 20, `${logs.length} log lines for ${steps.length} steps`);
  const fin = ofType(messages, 'finished');
  assert.equal(fin.length, 1);
  assert.equal(fin[0].reason, 'stopped');
  assert.deepEqual(ofType(messages, 'error'), []);
});

test('an unhandled rejection in the model file ends the run once, as an error at the user\'s line', async () => {
  const file = path.join(FIXTURES, 'unhandled-rejection.ts');
  const { client, messages } = await launch();
  await client.start({ modelFile: file });
  await client.exited;
  const record = parseRecord(readFileSync(await client.recordPath, 'utf8'));
  for (const msgs of [messages, record]) {
    const fin = ofType(msgs, 'finished');
    assert.equal(fin.length, 1);
    assert.equal(fin[0].reason, 'error');
    assert.equal(msgs[msgs.length - 1].type, 'finished', 'nothing after finished');
  }
  const err = ofType(messages, 'error')[0].error;
  assert.equal(err.id, 'unhandledRejection');
  assert.deepEqual([err.location?.file, err.location?.line], [file, 12]);
  assert.match(err.message, /^.*unhandled-rejection\.ts:12:\d+: Unhandled promise rejection: Error: async failure in onStep/);
});

test('Ctrl-C in a terminal (SIGINT to the whole process group) ends the run as a clean stop, exit 130', async () => {
  ensureBuilt();
  const cwd = tempDir();
  const cli = spawn(process.execPath, [CLI, 'train', PRINTS], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
  cli.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  while (!out.includes('forward: batch shape')) await sleep(50);
  await sleep(500);
  process.kill(-(cli.pid as number), 'SIGINT');
  const code = await exited;
  assert.equal(code, 130, out.slice(-500) + err.slice(-500));
  assert.match(out, /Finished \(stopped\) after \d+ steps/);
  assert.doesNotMatch(err, /ended unexpectedly/);
  const runs = path.join(cwd, '.gradlens', 'runs');
  const record: EngineMessage[] = parseRecord(readFileSync(path.join(runs, readdirSync(runs).filter((f) => f.endsWith('.jsonl'))[0]), 'utf8'));
  const last = record[record.length - 1];
  assert.equal(last.type, 'finished');
  assert.equal(last.type === 'finished' && last.reason, 'stopped');
  assert.ok(last.type === 'finished' && last.step > 0);
  assert.deepEqual(ofType(record, 'error'), []);
});

// A real full disk needs a small tmpfs, which needs root (CI containers are); elsewhere the RunRecord unit test
// covers the same path through its I/O seam.
const canMount = process.getuid?.() === 0 && process.platform === 'linux';
test('a full disk stops the run with "the disk is full" and leaves a record of whole lines', { skip: !canMount && 'needs root to mount a tmpfs' }, async (t) => {
  const dir = path.join(tempDir(), 'tiny');
  mkdirSync(dir);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (mount.status !== 0) return t.skip(`mount failed: ${mount.stderr.toString()}`);
  t.after(() => spawnSync('umount', [dir]));
  const { client, messages } = await launch();
  await client.start({ modelFile: path.join(EXAMPLES, 'binary-classifier.ts'), recordDir: dir });
  await client.exited;
  const err = ofType(messages, 'error')[0]?.error;
  assert.equal(err?.id, 'diskFull');
  assert.match(err.message, /The disk is full/);
  assert.equal(ofType(messages, 'finished')[0].reason, 'error');
  const text = readFileSync(path.join(dir, readdirSync(dir)[0]), 'utf8');
  assert.ok(text.endsWith('\n'), 'no torn last line');
  const record = parseRecord(text);
  assert.equal(record.length, text.split('\n').length - 1, 'every line parses');
  assert.ok(ofType(record, 'step').length > 10);
});

test('a model in a folder and file with spaces (and parentheses) gets source locations that point at it', async () => {
  const dir = path.join(tempDir(), 'sp ace', 'My Models (old)');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'my model.ts');
  writeFileSync(file, readFileSync(path.join(FIXTURES, 'tiny.ts'), 'utf8'));
  const { client, messages } = await launch();
  await client.start({ modelFile: file, maxSteps: 2 });
  await client.exited;
  const graph = ofType(messages, 'graph')[0].graph;
  // Before: "ace/My" for the folder, and no location at all with a space in the file name.
  assert.deepEqual(graph.layers.map((l) => [l.source?.file, l.source?.line]), [[file, 6], [file, 7], [file, 8]]);
});
