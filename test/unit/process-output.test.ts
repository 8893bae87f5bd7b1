// The engine child's bounds on what the training thread sends: the model's console output (LogLimiter), the
// back-pressure counters (flow.ts) and the run record's behaviour on a full disk (RunRecord).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ftruncateSync, mkdtempSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineMessage, EngineMessageOf } from '../../protocol/messages';
import { LogLimiter } from '../../engine/process/log-limiter';
import { createFlow, FlowGate, FlowMeter, MAX_BACKLOG, MAX_IN_FLIGHT } from '../../engine/process/flow';
import { parseRecord, RunRecord, type RecordIo } from '../../engine/process/run-record';

test('LogLimiter: lines beyond the budget are counted, and one line says how many were left out', () => {
  let now = 0;
  const out: EngineMessageOf<'log'>[] = [];
  const limiter = new LogLimiter((m) => out.push(m), { linesPerWindow: 100, windowMs: 1000, maxChars: 50 }, () => now);
  for (let i = 0; i < 250; i++) limiter.log('info', `line ${i}`);
  assert.equal(out.length, 100);
  assert.equal(out[0].message, 'line 0');
  now = 1000;
  limiter.tick();
  assert.equal(out.length, 101);
  assert.equal(out[100].level, 'warn');
  assert.match(out[100].message, /150 more lines of output .* were left out/);
  // A new window shows lines again; nothing was dropped in it, so flush says nothing.
  limiter.log('info', 'x'.repeat(80));
  limiter.flush();
  assert.equal(out.length, 102);
  assert.equal(out[101].message, `${'x'.repeat(50)}... (30 more characters)`);
  assert.equal(limiter.totalDropped, 150);
});

test('FlowGate: the training thread has room until too many messages are unread or the outbox is full', () => {
  const flow = createFlow();
  const gate = new FlowGate(flow);
  const meter = new FlowMeter(flow);
  for (let i = 0; i < MAX_IN_FLIGHT; i++) gate.beforePost();
  assert.equal(gate.hasRoom(), false);
  meter.consumed();
  assert.equal(gate.hasRoom(), true);
  meter.backlog(MAX_BACKLOG);
  assert.equal(gate.hasRoom(), false);
  meter.backlog(0);
  assert.equal(gate.hasRoom(), true);
  assert.equal(gate.waits, 0);
});

test('FlowGate: a full outbox holds the posting thread until the main thread makes room', async () => {
  const flow = createFlow();
  const gate = new FlowGate(flow);
  const meter = new FlowMeter(flow);
  meter.backlog(MAX_BACKLOG);
  // Atomics.wait blocks this thread, so the room must come from another one.
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(
    `const { workerData } = require('node:worker_threads'); const s = new Int32Array(workerData);
     setTimeout(() => { Atomics.store(s, 1, 0); Atomics.notify(s, 0); }, 100);`,
    { eval: true, workerData: flow },
  );
  gate.beforePost();
  assert.ok(gate.waits > 0);
  await w.terminate();
});

function step(i: number): EngineMessage {
  return { type: 'step', step: i, epoch: 0, batch: i, batchesPerEpoch: 100, loss: 0.5, lr: 0.1, samplesPerSec: 1000, stepMs: 1 };
}

test('RunRecord: a full disk cuts the torn line off, keeps every whole line, and writes nothing more', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gradlens-record-')), 'run.jsonl');
  let room = 1000;
  const io: RecordIo = {
    write(fd, data, offset, length) {
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(room, length);
      room -= n;
      return writeSync(fd, data, offset, n);
    },
    truncate: (fd, length) => ftruncateSync(fd, length),
  };
  const record = new RunRecord(file, io);
  let written = 0;
  for (let i = 0; i < 100 && record.write(step(i)); i++) written++;
  assert.ok(written > 3 && written < 100, `${written} lines`);
  assert.equal(record.failure?.code, 'ENOSPC');
  assert.equal(record.write(step(999)), false);
  record.close();
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'no torn last line');
  assert.equal(text.length, record.failure?.bytes);
  assert.deepEqual(parseRecord(text).map((m) => (m.type === 'step' ? m.step : -1)), Array.from({ length: written }, (_, i) => i));
});
