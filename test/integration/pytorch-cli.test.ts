// PyTorch scripts, unchanged, under `gradlens train` (issue 22): the Python runner (python/gradlens) behind the
// Python bridge (dist/engine-python.js), on one process and on two torch.distributed ranks. Every message is checked
// against the protocol's JSON Schema. Needs Debian's python3-torch at /usr/bin/python3 (`npm run test:integration`
// installs it with scripts/ensure-python-torch.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { checkEngineMessage } from '../../protocol/validate';
import { cli, CLI, ensureBuilt, EXAMPLES, ofType, tempDir } from './harness';

const PY = path.join(EXAMPLES, 'pytorch');
const script = (name: string): string => path.join(PY, name);

/** The 1-based line of `text` in an example (so a test names the line the user wrote, not a number). */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

/** --json output: every line a protocol message that passes the schema. */
function messages(stdout: string): EngineMessage[] {
  return stdout
    .trim()
    .split('\n')
    .map((line, i) => {
      const checked = checkEngineMessage(JSON.parse(line));
      assert.ok(checked.ok, `line ${i + 1}: ${checked.ok ? '' : checked.error}`);
      return checked.value;
    });
}

/** The "updated N" lines a script printed after each optimizer step, per prefix ("" or "rank 0 "). */
function lastUpdate(text: string, prefix = ''): number {
  const steps = [...text.matchAll(new RegExp(`^${prefix}updated (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
  return steps.length > 0 ? Math.max(...steps) : -1;
}

test('an MLP script runs unchanged: schema-valid messages, PyTorch layer names at their lines, the same losses as plain Python', () => {
  const file = script('mlp.py');
  const r = cli(['train', file, '--json', '--record', 'out/run.jsonl']);
  assert.equal(r.code, 0, r.stderr);
  const msgs = messages(r.stdout);
  assert.equal(msgs[0].type, 'hello');
  assert.equal(ofType(msgs, 'hello')[0].engine, 'gradlens-python');
  assert.equal(ofType(msgs, 'runStarted').length, 1);
  assert.equal(ofType(msgs, 'runStarted')[0].config.optimizer, 'SGD');
  const layers = ofType(msgs, 'graph')[0].graph.layers;
  assert.deepEqual(layers.map((l) => l.id), ['fc1', 'act', 'fc2']);
  assert.equal(layers[0].name, 'Linear(20, 64)');
  assert.deepEqual(layers[0].source, { file, line: lineOf(file, 'self.fc1 = nn.Linear'), column: 9 });
  assert.deepEqual(layers[0].outputShape, [32, 64]);
  const steps = ofType(msgs, 'step');
  assert.deepEqual(steps.map((s) => s.step), [...Array(48).keys()]);
  assert.equal(steps[20].batchesPerEpoch, 16);
  // The script's StepLR (it wraps optimizer.step, which Gradlens wraps too) halves the learning rate each epoch.
  assert.deepEqual([steps[0].lr, steps[16].lr, steps[32].lr], [0.1, 0.05, 0.025]);
  assert.deepEqual(ofType(msgs, 'epoch').map((e) => e.step), [16, 32, 48]);
  const first = ofType(msgs, 'layerStats')[0];
  assert.equal(first.step, 0);
  const fc1 = first.layers.find((l) => l.id === 'fc1');
  assert.ok(fc1 && fc1.gradNorm! > 0 && fc1.weightNorm! > 0 && fc1.act && fc1.outGradNorm! > 0, JSON.stringify(fc1));
  assert.ok(ofType(msgs, 'layerStats').some((s) => s.layers.some((l) => (l.updateRatio ?? 0) > 0)), 'update ratios');
  assert.ok(Math.abs(first.layers.find((l) => l.id === 'act')!.act!.zeroFrac - 0.5) < 0.1, 'ReLU zeros about half');
  assert.equal(ofType(msgs, 'histograms')[0].layers[0].activation?.counts.length, 30);
  assert.deepEqual(ofType(msgs, 'finished').map((f) => [f.reason, f.step]), [['completed', 48]]);
  // Numerics untouched: the script's own printed losses are those of plain `python mlp.py`.
  const plain = spawnSync('/usr/bin/python3', [file], { encoding: 'utf8' });
  assert.equal(plain.status, 0, plain.stderr);
  const printed = ofType(msgs, 'log').map((l) => l.message).filter((m) => m.startsWith('epoch '));
  assert.deepEqual(printed, plain.stdout.trim().split('\n'));
  // The record holds the run, each line valid.
  const record = readFileSync(path.join(r.cwd, 'out/run.jsonl'), 'utf8').trim().split('\n').map((l) => checkEngineMessage(JSON.parse(l)));
  assert.ok(record.every((c) => c.ok));
  assert.equal(record.filter((c) => c.ok && c.value.type === 'step').length, 48);
});

test('--max-steps ends a script after that many optimizer steps', () => {
  const r = cli(['train', script('mlp.py'), '--json', '--max-steps', '5']);
  assert.equal(r.code, 0, r.stderr);
  const msgs = messages(r.stdout);
  assert.equal(ofType(msgs, 'step').length, 5);
  assert.deepEqual(ofType(msgs, 'finished').map((f) => [f.reason, f.step]), [['completed', 5]]);
});

test('--break-on lossSpike stops the lr-spike script before the optimizer step of the spike, exit 3', () => {
  const r = cli(['train', script('lr-spike.py'), '--break-on', 'lossSpike', '--', '--spike-step', '40']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  const m = /Stopped at the first lossSpike \(--break-on\): step (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const step = Number(m[1]);
  assert.ok(step > 40 && step < 50, `stopped at ${step}`);
  // Weights unchanged by the anomalous step: its update was never applied.
  assert.equal(lastUpdate(r.stdout), step - 1);
  assert.match(r.stdout, /Finished \(stopped\)/);
  // Without breakpoints the same script runs to its end (the runner never waits).
  const free = cli(['train', script('lr-spike.py'), '--max-steps', '45', '--', '--spike-step', '40']);
  assert.equal(free.code, 0, free.stderr);
  assert.equal(lastUpdate(free.stdout), 44);
  assert.match(free.stderr, /warning: \[lossSpike\]/);
});

test('a NaN in a batch names the first layer that produced it and the line that built it', () => {
  const file = script('nan-input.py');
  const r = cli(['train', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const nonFinite = ofType(messages(r.stdout), 'anomaly').filter((a) => a.anomaly.kind === 'nonFinite');
  assert.equal(nonFinite[0]?.anomaly.step, 10);
  assert.equal(nonFinite[0].anomaly.layer?.id, 'fc1');
  assert.equal(nonFinite[0].anomaly.layer?.source?.line, lineOf(file, 'self.fc1 = nn.Linear'));
  assert.equal(nonFinite[0].anomaly.phase, 'forward');
});

test("a script's exception is an error at the user's file:line, exit 1", () => {
  const file = script('broken.py');
  const r = cli(['train', file]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(r.stderr.includes(`${file}:${lineOf(file, 'loss = model(x)')}:1: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied`), r.stderr);
  assert.match(r.stdout, /Finished \(error\)/);
});

test('usage: --python and script arguments are for .py files; a missing interpreter is an error', () => {
  const ts = cli(['train', path.join(EXAMPLES, 'lr-spike.ts'), '--python', '/usr/bin/python3']);
  assert.equal(ts.code, 2);
  assert.match(ts.stderr, /--python: only for a PyTorch script/);
  const missing = cli(['train', script('mlp.py'), '--python', '/nonexistent/python3']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ended unexpectedly|cannot start/);
});

test('two DDP ranks (env:// rendezvous, gloo) are one run: rank 0 statistics, unwrapped layer names', () => {
  const r = cli(['train', script('ddp.py'), '--nproc-per-node', '2', '--json', '--', '--steps', '12'], tempDir());
  assert.equal(r.code, 0, r.stderr);
  const msgs = messages(r.stdout);
  assert.equal(ofType(msgs, 'runStarted').length, 1);
  assert.deepEqual(ofType(msgs, 'graph')[0].graph.layers.map((l) => l.id), ['fc1', 'act', 'fc2']);
  assert.deepEqual(ofType(msgs, 'step').map((s) => s.step), [...Array(12).keys()]);
  const printed = ofType(msgs, 'log').map((l) => l.message);
  assert.equal(lastUpdate(printed.join('\n'), 'rank 0 '), 11);
  assert.equal(lastUpdate(printed.join('\n'), 'rank 1 '), 11);
  assert.deepEqual(ofType(msgs, 'finished').map((f) => f.reason), ['completed']);
});

test('a DDP loss spike stops every rank before the same optimizer step; a rank that fails ends the run naming it', () => {
  const spike = cli(['train', script('ddp.py'), '--nproc-per-node', '2', '--break-on', 'lossSpike', '--', '--steps', '40', '--spike-step', '25']);
  assert.equal(spike.code, 3, spike.stdout + spike.stderr);
  const step = Number(/Stopped at the first lossSpike \(--break-on\): step (\d+)/.exec(spike.stderr)?.[1]);
  assert.ok(step > 25 && step < 35, spike.stderr);
  assert.equal(lastUpdate(spike.stdout, 'rank 0 '), step - 1);
  assert.equal(lastUpdate(spike.stdout, 'rank 1 '), step - 1);
  const file = script('ddp.py');
  const crash = cli(['train', file, '--nproc-per-node', '2', '--', '--crash-rank', '1', '--crash-step', '3']);
  assert.equal(crash.code, 1, crash.stdout + crash.stderr);
  assert.ok(crash.stderr.includes(`${file}:${lineOf(file, 'raise RuntimeError')}:13: error: rank 1: RuntimeError: rank 1 failed on purpose at step 3`), crash.stderr);
  assert.match(crash.stdout, /Finished \(error\)/);
});

/** Runs the CLI without blocking (two launchers of one job must run at once). */
function cliAsync(args: string[], cwd = tempDir()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

test('two nodes: two launchers on 127.0.0.1 (--nnodes 2 --node-rank 0/1) train one job; node 0 shows it', async () => {
  ensureBuilt();
  const port = String(await freePort());
  const common = ['--nnodes', '2', '--nproc-per-node', '1', '--master-addr', '127.0.0.1', '--master-port', port];
  const [node0, node1] = await Promise.all([
    cliAsync(['train', script('ddp.py'), ...common, '--node-rank', '0', '--json', '--', '--steps', '8']),
    cliAsync(['train', script('ddp.py'), ...common, '--node-rank', '1', '--', '--steps', '8']),
  ]);
  assert.equal(node0.code, 0, node0.stderr);
  assert.equal(node1.code, 0, node1.stderr);
  const msgs = messages(node0.stdout);
  assert.deepEqual(ofType(msgs, 'step').map((s) => s.step), [...Array(8).keys()]);
  assert.equal(lastUpdate(ofType(msgs, 'log').map((l) => l.message).join('\n'), 'rank 0 '), 7);
  // Node 1 ran global rank 1 (WORLD_SIZE 2): its own output, no statistics of its own.
  assert.equal(lastUpdate(node1.stdout, 'rank 1 '), 7);
  assert.doesNotMatch(node1.stdout, /Model: /);
});

test('Ctrl-C (SIGINT to the CLI) stops a PyTorch run cleanly: exit 130, no Python process left', async () => {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI, 'train', script('lr-spike.py'), '--', '--steps', '1000000', '--spike-step', '-1'], { cwd: tempDir(), env: process.env });
  let stdout = '';
  let interrupted = false;
  child.stderr.resume();
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // One Ctrl-C (a second one ends the CLI at once, as in a terminal).
      if (!interrupted && /^updated 20$/m.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', resolve);
  });
  assert.equal(code, 130, stdout);
  assert.match(stdout, /Finished \(stopped\)/);
  const left = spawnSync('pgrep', ['-f', `gradlens.run ${script('lr-spike.py')}`], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', 'a Python rank outlived the run');
});

test('the first seed script, unchanged, prints the same losses and test accuracy under gradlens as under python (same seed)', async () => {
  const dir = tempDir();
  // The bundled digits as MNIST's idx files in ./data: the script's datasets.MNIST(download=True) finds them.
  const prep = spawnSync('/usr/bin/python3', [script('prepare_mnist.py')], { cwd: dir, encoding: 'utf8' });
  assert.equal(prep.status, 0, prep.stderr);
  // Plain python and Gradlens side by side, one thread each (the same for both, so their numbers compare).
  const env = { OMP_NUM_THREADS: '1' };
  const plainRun = spawn('/usr/bin/python3', [script('seeded.py'), 'seed-mnist.py'], { cwd: dir, env: { ...process.env, ...env } });
  let plainOut = '';
  plainRun.stdout.on('data', (d: Buffer) => (plainOut += d.toString()));
  plainRun.stderr.resume();
  const plainDone = new Promise<number | null>((resolve) => plainRun.on('close', resolve));
  const r = cli(['train', script('seeded.py'), '--json', '--', 'seed-mnist.py'], dir, env);
  assert.equal(await plainDone, 0);
  const plain = { stdout: plainOut };
  assert.equal(r.code, 0, r.stderr);
  const msgs = messages(r.stdout);
  const printed = ofType(msgs, 'log').filter((l) => l.level === 'info').map((l) => l.message);
  assert.deepEqual(printed, plain.stdout.trim().split('\n'));
  assert.match(printed[printed.length - 1], /^Test accuracy: (8|9)\d\.\d\d%$/);
  const graph = ofType(msgs, 'graph')[0].graph;
  assert.deepEqual(graph.layers.map((l) => l.id), ['flatten', 'fc1', 'relu', 'fc2']);
  assert.equal(graph.layers[1].source?.line, lineOf(script('seed-mnist.py'), 'self.fc1 = nn.Linear(28 * 28, 128)'));
  assert.deepEqual(ofType(msgs, 'epoch').map((e) => e.step), [125, 250, 375]);
});

test("a script's flood of output is bounded as a TypeScript model's is (100 lines a second, then a count)", () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'loud.py'), 'import sys\nfor i in range(5000):\n    print(i)\n    print("e", i, file=sys.stderr)\n');
  const r = cli(['train', 'loud.py'], dir);
  assert.equal(r.code, 0, r.stderr);
  const shown = r.stdout.split('\n').filter((l) => /^\d+$/.test(l)).length;
  assert.ok(shown >= 100 && shown < 5000, `${shown} lines shown`);
  assert.match(r.stdout, /more lines of output in the last .* were left out/);
  assert.match(r.stderr, /more lines of output in the last .* were left out/);
});
