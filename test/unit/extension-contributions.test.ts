// package.json's contributes/activationEvents/capabilities must be exactly what extension/contributions.ts types,
// every setting default of a detector must be the engine's default, and every command must be registered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ACTIVATION_EVENTS,
  ANOMALY_FILTERS,
  CAPABILITIES,
  Commands,
  THRESHOLD_NAMES,
  buildContributes,
} from '../../extension/contributions';
import { ANOMALY_KINDS } from '../../protocol/messages';
import { DEFAULT_THRESHOLDS } from '../../protocol/thresholds';

const root = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

test('package.json contributes is generated from extension/contributions.ts', () => {
  assert.deepEqual(pkg.contributes, buildContributes());
  assert.deepEqual(pkg.activationEvents, ACTIVATION_EVENTS);
  assert.deepEqual(pkg.capabilities, CAPABILITIES);
});

test('one setting per detector threshold, defaulting to the engine default', () => {
  assert.deepEqual([...THRESHOLD_NAMES].sort(), Object.keys(DEFAULT_THRESHOLDS).sort());
  const props = (buildContributes().configuration as { properties: Record<string, { default: unknown }> }).properties;
  for (const name of THRESHOLD_NAMES) {
    assert.equal(props[`gradlens.detectors.${name}`]?.default, DEFAULT_THRESHOLDS[name], name);
  }
});

test('exception filters name real anomaly kinds, loss spike and NaN/Inf on by default', () => {
  for (const f of ANOMALY_FILTERS) assert.ok(ANOMALY_KINDS.includes(f.kind), f.kind);
  assert.deepEqual(
    ANOMALY_FILTERS.map((f) => f.label),
    ['Loss spike', 'NaN/Inf', 'Vanishing gradient', 'Exploding gradient', 'Dead ReLU', 'Saturation'],
  );
  assert.deepEqual(ANOMALY_FILTERS.filter((f) => f.default).map((f) => f.kind), ['lossSpike', 'nonFinite']);
});

test('every contributed command is registered by extension/commands.ts', () => {
  const source = readFileSync(path.join(root, 'extension', 'commands.ts'), 'utf8');
  for (const [name, id] of Object.entries(Commands)) {
    assert.match(source, new RegExp(`reg\\(Commands\\.${name},`), `${id} is contributed but not registered`);
  }
});

test('the debugger type and its launch attributes are contributed', () => {
  const dbg = (pkg.contributes as { debuggers: { type: string; configurationAttributes: { launch: { required: string[] } } }[] })
    .debuggers[0];
  assert.equal(dbg.type, 'gradlens');
  assert.deepEqual(dbg.configurationAttributes.launch.required, ['program']);
  assert.ok(ACTIVATION_EVENTS.includes('onDebugResolve:gradlens'));
});
