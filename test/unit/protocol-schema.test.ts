// The protocol's JSON Schema is generated from protocol/ and committed; the host checks what it did not produce
// against it: run records opened from disk (named line and field, newer protocol versions) and messages from an
// engine not written in TypeScript. Paths from a record are read only as regular files of sane size, off-thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProtocolSchema, SCHEMA_FILE } from '../../scripts/protocol-schema';
import { makeSampleRun } from '../../scripts/make-sample-run';
import { checkEngineMessage, checkResponseBody } from '../../protocol/validate';
import { PROTOCOL_VERSION, type EngineMessage } from '../../protocol/messages';
import { ErrorIds } from '../../protocol/error-ids';
import { parseRunRecord, readRunRecord, RunRecordError } from '../../host/run-record';
import { readRegularFile, UnreadableFileError } from '../../host/safe-read';
import { EngineError } from '../../host/engine-client';
import { connectMemoryEngine } from './memory-engine';

const HELLO = { type: 'hello', protocolVersion: PROTOCOL_VERSION, engine: 'gradlens', version: '0.1.0', capabilities: ['pause'], pid: 1 };
const toRecord = (messages: readonly unknown[]): string => messages.map((m) => JSON.stringify(m)).join('\n') + '\n';

test('the committed schema is what protocol/ generates (npm run schema regenerates it)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), generateProtocolSchema(), 'protocol/schema/protocol.schema.json is out of date: run `npm run schema`');
});

test('every message of a recorded run fits the schema, NaN losses (null in JSON) included', () => {
  const run = makeSampleRun({ layers: 4, steps: 60, histogramEvery: 10, anomalies: [{ step: 30, kind: 'lossSpike' }, { step: 40, kind: 'deadRelu', layer: 1 }] });
  const messages = parseRunRecord(toRecord([HELLO, ...run]));
  assert.equal(messages.length, run.length + 1);
  const nanStep = { ...run.find((m) => m.type === 'step'), loss: NaN };
  assert.ok(checkEngineMessage(JSON.parse(JSON.stringify(nanStep))).ok);
});

test('a corrupt record names the line, the message and the field', () => {
  const run = makeSampleRun({ layers: 2, steps: 5 });
  const lines = [HELLO, ...run].map((m) => JSON.stringify(m));
  const stepLine = lines.findIndex((l) => l.startsWith('{"type":"step"'));
  const bad = [...lines];
  bad[stepLine] = JSON.stringify({ ...JSON.parse(lines[stepLine]), loss: 'abc' });
  assert.throws(() => parseRunRecord(bad.join('\n')), (e: unknown) => e instanceof RunRecordError && e.message === `line ${stepLine + 1}: step message: loss must be a number (got "abc")`);

  const graphLine = lines.findIndex((l) => l.startsWith('{"type":"graph"'));
  const graph = JSON.parse(lines[graphLine]) as { graph: { layers: unknown } };
  graph.graph.layers = 'not a list';
  bad[stepLine] = lines[stepLine];
  bad[graphLine] = JSON.stringify(graph);
  assert.throws(() => parseRunRecord(bad.join('\n')), /^RunRecordError: line \d+: graph message: graph\.layers must be an array \(got "not a list"\)$/);

  // A message type this host does not know is a newer engine's addition: skipped, as docs/protocol.md says.
  assert.deepEqual(parseRunRecord(toRecord([HELLO, { type: 'telemetry', step: 1 }])).map((m) => m.type), ['hello']);
  const unknown = checkEngineMessage({ type: 'telemetry', step: 1 });
  assert.ok(!unknown.ok && unknown.unknownType && /^telemetry message: type must be one of "hello", "runStarted"/.test(unknown.error));
  assert.throws(() => parseRunRecord(toRecord([HELLO, { type: 'finished', reason: 'exploded', step: 3, durationMs: 1 }])), /line 2: finished message: reason must be one of "completed", "stopped", "error" \(got "exploded"\)/);
  assert.throws(() => parseRunRecord(toRecord([HELLO, { type: 'epoch', epoch: 0, step: 3, durationMs: 1 }])), /line 2: epoch message: train is missing/);
});

test('a record of a newer protocol says so instead of drawing a garbled panel', () => {
  const newer = { ...HELLO, protocolVersion: PROTOCOL_VERSION + 1 };
  assert.throws(
    () => parseRunRecord(toRecord([newer, { type: 'somethingNew' }])),
    (e: unknown) => e instanceof RunRecordError && e.message === `this run was recorded by a newer Gradlens (protocol ${PROTOCOL_VERSION + 1}); update the extension`,
  );
});

test('response bodies are checked against their command', () => {
  assert.ok(checkResponseBody('variables', { variables: [{ name: 'step', value: '3' }] }).ok);
  const bad = checkResponseBody('inspect', { name: 'w', shape: 'x' });
  assert.equal(bad.ok ? '' : bad.error, 'response to inspect: mean is missing');
});

test('a client asked to validate turns a malformed engine message into an error naming it', async () => {
  const { client, engine } = await connectMemoryEngine({ inspect: () => ({ name: 'w', shape: [1] }) }, { validate: true });
  const seen: EngineMessage[] = [];
  client.onMessage((m) => seen.push(m));
  await assert.rejects(client.request({ type: 'inspect', layerId: '0', what: 'weight' }), (e: unknown) => e instanceof EngineError && e.message === 'The engine sent an invalid response to inspect: mean is missing');
  engine.send({ type: 'step', step: 1, epoch: 0, batch: 1, batchesPerEpoch: 2, loss: '0.5', lr: 0.1, samplesPerSec: 1, stepMs: 1 } as Record<string, unknown>);
  engine.send({ type: 'futureMessage', step: 1 });
  engine.send({ type: 'resumed', step: 1 });
  await new Promise((r) => setTimeout(r, 10));
  const errors = seen.filter((m) => m.type === 'error');
  assert.deepEqual(
    errors.map((m) => m.type === 'error' && [m.error.id, m.error.message]),
    [
      [ErrorIds.invalidMessage, 'The engine sent an invalid response to inspect: mean is missing'],
      [ErrorIds.invalidMessage, 'The engine sent an invalid step message: loss must be a number (got "0.5")'],
    ],
  );
  assert.ok(seen.some((m) => m.type === 'resumed'), 'valid messages still pass');
  assert.ok(!seen.some((m) => (m as { type: string }).type === 'futureMessage'), 'an unknown type is ignored, not an error');
  client.kill();
});

test('a record naming /dev/zero or a FIFO as its model file cannot hang or flood the host (issue 24 item 3)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-fifo-'));
  try {
    const fifo = path.join(dir, 'model.ts');
    execFileSync('mkfifo', [fifo]);
    const crafted = toRecord([HELLO, { type: 'runStarted', runId: 'r', modelFile: fifo, startedAt: '2026-12-07T00:00:00Z', config: { epochs: 1, batchSize: 1, seed: 0, optimizer: 'SGD', lr: 0.1, backend: 'cpu', trainSize: 1, valSize: 0, histogramEvery: 0 } }]);
    const recordFile = path.join(dir, 'run.jsonl');
    writeFileSync(recordFile, crafted);
    assert.equal((await readRunRecord(recordFile)).length, 2, 'the record itself is fine');
    // What the host does with a record's modelFile (the Problems entry of an anomaly without a layer reads it):
    const started = Date.now();
    await assert.rejects(readRegularFile(fifo, 1 << 20), (e: unknown) => e instanceof UnreadableFileError && /not a regular file/.test(e.message));
    await assert.rejects(readRegularFile('/dev/zero', 1 << 20), /not a regular file/);
    // A FIFO or a device opened as a record is refused the same way.
    await assert.rejects(readRunRecord(fifo), /not a regular file/);
    await assert.rejects(readRunRecord(dir), /is a folder/);
    assert.ok(Date.now() - started < 2000, 'no read blocked');
    writeFileSync(path.join(dir, 'big.jsonl'), Buffer.alloc(2048, 32));
    await assert.rejects(readRunRecord(path.join(dir, 'big.jsonl'), 1024), /more than the 0 MB Gradlens reads/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
