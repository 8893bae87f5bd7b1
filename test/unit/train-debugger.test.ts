// The debugger controller driven at its hook points by a scripted host, as a training loop would drive it, with no
// process and no training: what it pauses on, what it says while paused, and the state it is in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Anomaly, EngineMessage, EngineMessageOf, HostCommand, StartOptions } from '../../protocol/messages';
import { Monitor } from '../../engine/monitor/monitor';
import { assignModuleIds, type AnyModule } from '../../engine/nn/module';
import { Linear, ReLU, Sequential } from '../../engine/nn';
import { Tensor } from '../../engine/tensor';
import { StopSignal } from '../../engine/train/errors';
import { DebugController } from '../../engine/train/debugger/controller';
import { layersByName, type DebugTarget } from '../../engine/train/debugger/view';
import type { LayerCapture } from '../../engine/train/probe';

type Command = HostCommand extends infer C ? (C extends { seq: number } ? Omit<C, 'seq'> : never) : never;

/**
 * A host whose commands are a script: `poll` hands out what was queued for the running loop, `wait` (called only
 * while paused) the next batch of the script; a pause with nothing left in the script is a test failure.
 */
class ScriptedHost {
  readonly sent: EngineMessage[] = [];
  private queued: HostCommand[] = [];
  private readonly script: HostCommand[][] = [];
  private seq = 0;

  /** Commands the running loop will find at its next hook point. */
  queue(...cmds: Command[]): void {
    this.queued.push(...cmds.map((c) => this.number(c)));
  }

  /** Commands answered, one group per host.wait() while paused. */
  whenPaused(...groups: Command[][]): void {
    for (const g of groups) this.script.push(g.map((c) => this.number(c)));
  }

  emit(msg: EngineMessage): void {
    this.sent.push(msg);
  }

  poll(): HostCommand[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }

  wait(): HostCommand[] {
    const next = this.script.shift();
    if (!next) throw new Error('paused with no command left in the script');
    return next;
  }

  private number(c: Command): HostCommand {
    return { ...c, seq: ++this.seq } as HostCommand;
  }

  of<T extends EngineMessage['type']>(type: T): EngineMessageOf<T>[] {
    return this.sent.filter((m): m is EngineMessageOf<T> => m.type === type);
  }

  /** The body of the response to the command with this seq (failures as their message). */
  answer(seq: number): unknown {
    const r = this.of('response').find((m) => m.request_seq === seq);
    if (!r) throw new Error(`no response to ${seq}`);
    return r.success ? r.body : `failed: ${r.error?.message}`;
  }
}

function setup(options: Pick<StartOptions, 'breakOn' | 'layerBreakpoints' | 'stopOnEntry'> = {}) {
  const model = new Sequential(new Linear(2, 3), new ReLU());
  assignModuleIds(model as unknown as AnyModule);
  const [fc, relu] = model.children() as unknown as AnyModule[];
  fc.source = { file: '/work/model.ts', line: 6, column: 3 };
  relu.source = { file: '/work/model.ts', line: 7, column: 3 };
  const host = new ScriptedHost();
  const captures = new Map<AnyModule, LayerCapture>();
  const loop = { step: 0, lr: 0.1 };
  const target: DebugTarget = {
    step: () => loop.step,
    model: model as unknown as AnyModule,
    layers: () => [fc, relu],
    stepSource: { file: '/work/model.ts', line: 4, column: 1 },
    scope: () => ({ model, layers: layersByName([fc, relu]), step: loop.step, lr: loop.lr, poke: () => debug.layerForward(relu, [input]) }),
    captured: (m) => captures.get(m),
    setLearningRate: (lr) => (loop.lr = lr),
  };
  const debug = new DebugController(host, target, new Monitor(), options);
  return { host, debug, fc, relu, loop, captures };
}

const input = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]);

test('stop on entry, then Step Over counts batch starts and pauses before the step it reaches', () => {
  const { host, debug, loop } = setup({ stopOnEntry: true });
  assert.equal(debug.current.kind, 'entryPending');
  host.whenPaused([{ type: 'evaluate', expression: 'step + 1' }, { type: 'step', unit: 'batch', count: 2 }]);
  debug.batchStart();
  const [entry] = host.of('paused');
  assert.equal(entry.reason, 'entry');
  assert.deepEqual(entry.frames.map((f) => f.name), ['train step 0', 'Linear(2, 3) (0)', 'ReLU() (1)']);
  assert.equal(entry.frames[0].source?.line, 4);
  assert.deepEqual(host.answer(1), { result: '1' });
  assert.deepEqual(debug.current, { kind: 'stepping', unit: 'batch', remaining: 2 });
  loop.step = 1;
  debug.batchStart();
  assert.equal(host.of('paused').length, 1, 'one batch start of the two counted');
  loop.step = 2;
  host.whenPaused([{ type: 'resume' }]);
  debug.batchStart();
  const stop = host.of('paused')[1];
  assert.equal(stop.reason, 'step');
  assert.equal(stop.description, 'Paused before step 2');
  assert.equal(host.of('resumed').length, 2);
  assert.equal(debug.current.kind, 'running');
});

test('Step Into stops at each layer forward with its input, then in the backward pass with its output gradient', () => {
  const { host, debug, fc, relu, captures } = setup();
  host.queue({ type: 'step', unit: 'layer', count: 1 });
  host.whenPaused(
    [
      { type: 'evaluate', expression: 'input.shape' },
      { type: 'inspect', layerId: '0', what: 'activation' },
      { type: 'variables', ref: '' },
      { type: 'step', unit: 'layer', count: 1 },
    ],
    [{ type: 'inspect', layerId: '0', what: 'activation' }, { type: 'step', unit: 'layer', count: 1 }],
    [{ type: 'inspect', layerId: '1', what: 'outGrad' }, { type: 'evaluate', expression: 'grad.shape' }, { type: 'resume' }],
  );
  debug.batchStart();
  assert.equal(debug.stopsInBackward, true);
  assert.equal(debug.keepsLayerTensors, true, 'layers that run while stepping keep their tensors');
  debug.layerForward(fc, [input]);
  const [atFc] = host.of('paused');
  assert.equal(atFc.frames[0].name, 'Linear(2, 3) (0) · forward');
  assert.equal(atFc.frames[0].layerId, '0');
  assert.deepEqual(atFc.frames.slice(1).map((f) => f.name), ['train step 0', 'ReLU() (1)']);
  assert.deepEqual(host.answer(2), { result: '[2, 2]' }, 'the layer input is `input` (and `x`)');
  assert.match(String(host.answer(3)), /has not run yet on step 0: stopped before its forward \(its input is `input`\)/);
  const roots = host.answer(4) as { variables: { name: string; value: string }[] };
  assert.match(roots.variables.find((v) => v.name === 'input')?.value ?? '', /^Tensor\[2, 2\]/);

  // The loop ran fc and kept its output, as it does while stepping.
  captures.set(fc, { act: Float32Array.from([0, 1, 2, 3, 4, 5]), actShape: [2, 3] });
  debug.layerForward(relu, [input]);
  assert.equal(host.of('paused')[1].frames[0].name, 'ReLU() (1) · forward');
  assert.deepEqual((host.answer(6) as { shape: number[] }).shape, [2, 3], "after it ran, a layer's output is shown");

  debug.layerBackward(relu, new Tensor(Float32Array.from([1, 1, 1, -1, -1, -1]), [2, 3]));
  const atBackward = host.of('paused')[2];
  assert.equal(atBackward.frames[0].name, 'ReLU() (1) · backward');
  assert.match(atBackward.description, /ReLU\(\) backward \(step 0\)/);
  const outGrad = host.answer(8) as { shape: number[]; norm: number };
  assert.deepEqual(outGrad.shape, [2, 3]);
  assert.equal(outGrad.norm, Math.sqrt(6));
  assert.deepEqual(host.answer(9), { result: '[2, 3]' });
  assert.equal(debug.current.kind, 'running');
  assert.equal(debug.stopsInBackward, false);
});

test('layer breakpoints: conditions, hit counts and logpoints; a layer called while paused does not stop again', () => {
  const file = '/work/model.ts';
  const { host, debug, fc, relu, loop } = setup({
    layerBreakpoints: [
      { id: 1, file, line: 7, hitCondition: '>=2' },
      { id: 2, file, line: 6, logMessage: 'fc at {step} with {input.shape[0]}' },
      { id: 3, file: file.toUpperCase(), line: 6, condition: 'nosuchname > 1' },
    ],
  });
  assert.equal(debug.keepsLayerTensors, true);
  host.whenPaused([{ type: 'evaluate', expression: 'poke()' }, { type: 'resume' }], [{ type: 'resume' }]);
  for (loop.step = 0; loop.step < 3; loop.step++) {
    debug.batchStart();
    debug.layerForward(fc, [input]);
    debug.layerForward(relu, [input]);
  }
  const stops = host.of('paused');
  assert.deepEqual(stops.map((p) => p.step), [1, 2], 'hits from the second on; the layer call from the Debug Console did not pause');
  assert.equal(stops[0].reason, 'breakpoint');
  assert.equal(stops[0].description, 'Breakpoint 1 in ReLU() (step 1)');
  const logs = host.of('log');
  assert.deepEqual(logs.filter((l) => l.level === 'info').map((l) => l.message), ['fc at 0 with 2', 'fc at 1 with 2', 'fc at 2 with 2']);
  assert.match(logs.find((l) => l.level === 'error')?.message ?? '', /Breakpoint condition "nosuchname > 1" failed: nosuchname is not defined/);
  assert.equal(logs.filter((l) => l.level === 'error').length, 3, 'a failing condition is reported each time and does not stop');
});

test('an anomaly breakpoint stops at the end of the step on the first matching anomaly; others do not', () => {
  const anomaly = (kind: Anomaly['kind']): Anomaly => ({
    kind,
    step: 3,
    epoch: 0,
    rule: { id: 'test', description: 'test', source: 'test' } as Anomaly['rule'],
    evidence: {},
    message: `${kind} at step 3`,
    hint: '',
  });
  const { host, debug } = setup({ breakOn: [{ kind: 'nonFinite' }] });
  debug.batchEnd([anomaly('lossSpike')]);
  assert.equal(host.of('paused').length, 0);
  host.whenPaused([{ type: 'setBreakpoints', anomalies: [] }, { type: 'resume' }]);
  debug.batchEnd([anomaly('lossSpike'), anomaly('nonFinite')]);
  const [p] = host.of('paused');
  assert.equal(p.reason, 'anomaly');
  assert.equal(p.anomaly?.kind, 'nonFinite');
  assert.equal(p.description, 'nonFinite at step 3');
  debug.batchEnd([anomaly('nonFinite')]);
  assert.equal(host.of('paused').length, 1, 'cleared anomaly breakpoints no longer stop');
});

test('pause is honoured at the next batch start; stop while paused ends the run with StopSignal', () => {
  const { host, debug, fc } = setup();
  host.queue({ type: 'pause' });
  debug.layerForward(fc, [input]);
  assert.equal(debug.current.kind, 'pauseRequested');
  assert.equal(host.of('paused').length, 0, 'a pause request waits for the batch start');
  host.whenPaused([{ type: 'setLearningRate', lr: -1 }, { type: 'setLearningRate', lr: 0.5 }, { type: 'evaluate', expression: 'lr' }, { type: 'stop' }]);
  assert.throws(() => debug.batchStart(), StopSignal);
  assert.equal(host.of('paused')[0].reason, 'pause');
  assert.equal(host.answer(2), 'failed: Learning rate must be a positive number (got -1)');
  assert.deepEqual(host.answer(3), { lr: 0.5 });
  assert.deepEqual(host.answer(4), { result: '0.5' });
  assert.equal(host.of('resumed').length, 0, 'a stopped run does not resume');
});

test('inspect says why a tensor is missing, and unknown layers are named', () => {
  const { host, debug } = setup({ stopOnEntry: true });
  host.whenPaused([
    { type: 'inspect', layerId: '0', what: 'grad' },
    { type: 'inspect', layerId: '1', what: 'activation' },
    { type: 'inspect', layerId: '9', what: 'weight' },
    { type: 'inspect', layerId: '0', what: 'weight', full: true },
    { type: 'start', options: { modelFile: 'x.ts' } },
    { type: 'resume' },
  ]);
  debug.batchStart();
  assert.equal(host.answer(1), 'failed: 0.weight has no gradient yet on step 0 (the backward pass has not reached it)');
  assert.match(String(host.answer(2)), /No output \(activation\) of 1 was recorded on step 0: layer tensors are kept on statistics steps and while stepping by layer/);
  assert.equal(host.answer(3), 'failed: No layer "9"');
  assert.equal((host.answer(4) as { values: number[] }).values.length, 6);
  assert.equal(host.answer(5), 'failed: This engine process is already running a model');
});
