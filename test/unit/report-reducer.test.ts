// The HTML report of a long run: bounded in size whatever the run length, with every spike kept, malformed
// record lines skipped and counted, a redacted variant to share, and a strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineMessage } from '../../protocol/messages';
import { ReportReducer } from '../../webview/report-reducer';
import { redactMessage } from '../../webview/report-redact';
import { renderReportHtml } from '../../webview/report';
import { MAX_LINE_BYTES, scanRecord } from '../../cli/record-stream';
import { createHash } from 'node:crypto';

const step = (s: number, loss: number | null): EngineMessage =>
  ({ type: 'step', step: s, epoch: 0, batch: s, batchesPerEpoch: 1e9, loss, lr: 0.1, samplesPerSec: 1, stepMs: 1 }) as EngineMessage;

test('ReportReducer: a million steps give a bounded report that keeps the one-step spike, the NaN and the ends', () => {
  const r = new ReportReducer();
  r.push({ type: 'hello', protocolVersion: 1, engine: 'gradlens', version: '0', capabilities: [], pid: 1 });
  for (let s = 0; s < 1_000_000; s++) {
    r.push(step(s, s === 777_777 ? 50 : s === 123_456 ? null : 1 / (1 + s / 1000)));
    if (s % 10 === 0) r.push({ type: 'layerStats', step: s, layers: [{ id: '0', gradNorm: s === 500_000 ? 1e6 : 0.1 }] });
    if (s % 50 === 0) r.push({ type: 'histograms', step: s, layers: [{ id: '0' }] });
  }
  r.push({ type: 'finished', reason: 'completed', step: 1_000_000, durationMs: 1 });
  const { messages, steps } = r.result();
  assert.equal(steps, 1_000_000);
  const kept = messages.filter((m) => m.type === 'step');
  assert.ok(kept.length <= 2 * 2 * 2000 && kept.length > 2000, `${kept.length} steps kept`);
  const at = (s: number) => kept.find((m) => m.type === 'step' && m.step === s);
  assert.ok(at(777_777), 'the spike is kept');
  assert.ok(at(123_456), 'the NaN step is kept');
  assert.ok(at(999_999), 'the last step is kept (lowest loss of its bucket)');
  assert.ok(messages.some((m) => m.type === 'layerStats' && m.step === 500_000), 'the exploding gradient is kept');
  assert.ok(messages.filter((m) => m.type === 'layerStats').length <= 2 * 2 * 500);
  assert.ok(messages.filter((m) => m.type === 'histograms').length <= 2 * 100);
  // Record order is kept: steps ascend, hello first, finished last.
  const order = kept.map((m) => (m.type === 'step' ? m.step : -1));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.equal(messages[0].type, 'hello');
  assert.equal(messages[messages.length - 1].type, 'finished');
});

test('ReportReducer: malformed messages are skipped and counted, logs beyond the cap are said, not drawn', () => {
  const r = new ReportReducer({ stepBuckets: 10, layerStatsBuckets: 10, histogramBuckets: 10, logs: 3, anomalies: 10, errors: 10, epochs: 10 });
  for (const bad of [null, 7, 'x', [], { type: 'layerStats', step: 1, layers: 'oops' }, { type: 'graph', graph: { layers: {} } }, { type: 'step', step: 'a', loss: 1 }, { type: 'anomaly', anomaly: { kind: 1 } }, { type: 'nope' }]) r.push(bad);
  r.push({ type: 'response', request_seq: 1, success: true });
  for (let i = 0; i < 5; i++) r.push({ type: 'log', level: 'info', message: `line ${i}` });
  r.push({ type: 'finished', reason: 'completed', step: 0, durationMs: 1 });
  const { messages, skipped } = r.result();
  assert.equal(skipped, 9);
  assert.deepEqual(
    messages.map((m) => (m.type === 'log' ? m.message : m.type)),
    ['line 0', 'line 1', 'line 2', 'This report leaves out 2 logs after the first 3, 9 malformed lines; the run record has everything.', 'finished'],
  );
});

test('redactMessage: no stack, pid or record path, and no absolute path of the model folder, cwd or home', () => {
  const roots = { folders: ['/home/jane', '/home/jane/work/proj', '/home/jane/work/proj/models'] };
  const err = redactMessage(
    { type: 'error', error: { id: 'x', message: '/home/jane/work/proj/models/net.ts:3:1: boom in /home/jane/data.csv', showUser: true, location: { file: '/home/jane/work/proj/models/net.ts', line: 3, column: 1 }, stack: 'Error: boom\n    at /home/jane/x' } },
    roots,
  );
  assert.deepEqual(err, { type: 'error', error: { id: 'x', message: 'net.ts:3:1: boom in data.csv', showUser: true, location: { file: 'net.ts', line: 3, column: 1 } } });
  const hello = redactMessage({ type: 'hello', protocolVersion: 1, engine: 'gradlens', version: '0', capabilities: [], pid: 42 }, roots);
  assert.equal('pid' in hello, false);
});

test('renderReportHtml: a CSP that lets exactly its two scripts run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlens-report-'));
  const bundle = path.join(dir, 'webview.js');
  writeFileSync(bundle, 'console.log("</script>")\n//# sourceMappingURL=webview.js.map\n');
  const html = renderReportHtml([step(0, 1)], { title: 't', bundlePath: bundle });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'unsafe-inline'; img-src data:$/);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 2);
  for (const s of scripts) assert.ok(csp.includes(`'sha256-${createHash('sha256').update(s).digest('base64')}'`));
});

test('scanRecord: streams lines, skipping a torn last line and a line too long to be a message', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gradlens-scan-')), 'run.jsonl');
  const long = `{"type":"log","level":"info","message":"${'x'.repeat(MAX_LINE_BYTES + 10)}"}`;
  writeFileSync(file, [JSON.stringify(step(0, 1)), long, JSON.stringify(step(1, 2)), '{"type":"st'].join('\n'));
  const seen: unknown[] = [];
  const scan = await scanRecord(file, (v) => seen.push(v));
  assert.deepEqual(seen, [step(0, 1), step(1, 2)]);
  assert.equal(scan.unreadable, 2);
});
