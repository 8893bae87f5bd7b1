// A training loop the user writes, instrumented by a RunSession in-process with a scripted host: what counts as a
// step, an epoch and a model; that losses passed to backward() are the steps' losses; that the debugger stops a
// loop Gradlens does not own (Step Over, an anomaly, Stop) and that --max-steps unwinds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineMessage, EngineMessageOf, HostCommand, StartOptions } from '../../protocol/messages';
import { DataLoader, is_grad_enabled, log, manual_seed, nn, no_grad, optim, randn, Tensor, TensorDataset } from '../../engine';
import { RunSession } from '../../engine/train/session';

const FILE = '/work/loop.ts';
const where = { definition: { file: FILE, line: 1, column: 1 }, data: { file: FILE, line: 1, column: 1 } };

/** A host that answers each pause with the next group of commands, and hands `queued` to the running loop once. */
function scriptedHost(whenPaused: HostCommand[][] = [], queued: HostCommand[] = []) {
  const sent: EngineMessage[] = [];
  let q = queued;
  return {
    sent,
    emit: (m: EngineMessage) => sent.push(m),
    poll: (): HostCommand[] => {
      const out = q;
      q = [];
      return out;
    },
    wait: (): HostCommand[] => {
      const next = whenPaused.shift();
      if (!next) throw new Error('paused with no command left in the script');
      return next;
    },
    of: <T extends EngineMessage['type']>(type: T) => sent.filter((m): m is EngineMessageOf<T> => m.type === type),
  };
}

function dataset(n = 64): TensorDataset {
  manual_seed(3);
  const x = randn([n, 4]);
  const y = new Tensor(Float32Array.from({ length: n }, (_, i) => i % 3), [n]);
  return new TensorDataset(x, y);
}

/** The user's loop, as the seeds write it: `epochs` passes over a loader of 8 batches, evaluation under no_grad. */
function userLoop(epochs = 2, after?: () => void, validated?: (epoch: number, evaluated: number) => void): { losses: number[]; evaluated: number } {
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const loss_fn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), 0.1);
  const loader = new DataLoader(dataset(), { batch_size: 8, shuffle: true });
  const test_loader = new DataLoader(dataset(24), { batch_size: 12 });
  const losses: number[] = [];
  let evaluated = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [inputs, targets] of loader) {
      optimizer.zero_grad();
      const loss = loss_fn(model(inputs), targets);
      losses.push(loss.item());
      loss.backward();
      optimizer.step();
    }
    no_grad(() => {
      for (const [inputs] of test_loader) evaluated += model(inputs).shape[0];
    });
    validated?.(epoch, evaluated);
  }
  after?.();
  return { losses, evaluated };
}

function session(host: ReturnType<typeof scriptedHost>, options: Partial<StartOptions> = {}): RunSession {
  return new RunSession(host, { modelFile: FILE, options: { modelFile: FILE, ...options }, where });
}

test("a user's loop: each optimizer.step() is a step with the loss passed to backward(), each pass over the training loader an epoch", () => {
  const host = scriptedHost();
  let result: ReturnType<typeof userLoop> | undefined;
  assert.equal(session(host).run(() => (result = userLoop())), 'completed');
  const steps = host.of('step');
  assert.equal(steps.length, 16);
  assert.deepEqual(steps.map((s) => s.loss), result?.losses);
  assert.deepEqual(steps.slice(0, 9).map((s) => [s.epoch, s.batch]), [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [1, 0]]);
  assert.equal(steps[0].batchesPerEpoch, 8);
  assert.equal(result?.evaluated, 48, 'the evaluation ran, and was not a step');
  const epochs = host.of('epoch');
  assert.deepEqual(epochs.map((e) => [e.epoch, e.step]), [[0, 8], [1, 16]]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(epochs[0].train.loss - mean(result?.losses.slice(0, 8) ?? [])) < 1e-6);
  const [started] = host.of('runStarted');
  assert.deepEqual(
    { epochs: started.config.epochs, batchSize: started.config.batchSize, trainSize: started.config.trainSize, optimizer: started.config.optimizer, lr: started.config.lr },
    { epochs: 0, batchSize: 8, trainSize: 64, optimizer: 'SGD', lr: 0.1 },
  );
  const graphs = host.of('graph');
  assert.equal(graphs.length, 1);
  assert.deepEqual(graphs[0].graph.layers.map((l) => [l.id, l.outputShape]), [['0', [8, 8]], ['1', [8, 8]], ['2', [8, 3]]]);
  assert.equal(host.of('finished')[0].reason, 'completed');
  assert.ok(host.of('layerStats').length > 0, 'layer statistics on the first steps');
});

test('a loss module and a network no optimizer updates are not models; two optimized models are both shown, the first stepped optimizer counts steps', () => {
  const host = scriptedHost();
  session(host).run(() => {
    const G = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh());
    const D = new nn.Sequential(new nn.Linear(4, 1));
    const frozen = new nn.Linear(4, 4);
    const optD = new optim.SGD(D.parameters(), 0.01);
    const optG = new optim.SGD(G.parameters(), 0.01);
    const bce = new nn.BCEWithLogitsLoss();
    for (let i = 0; i < 3; i++) {
      optD.zero_grad();
      const fake = frozen(G(randn([5, 2])));
      const lossD = bce(D(fake.detach()), new Tensor(new Float32Array(5), [5, 1]));
      lossD.backward();
      optD.step();
      optG.zero_grad();
      const lossG = bce(D(fake), new Tensor(new Float32Array(5).fill(1), [5, 1]));
      lossG.backward();
      optG.step();
    }
  });
  assert.equal(host.of('step').length, 3, "optD's steps count; optG's are part of the same step");
  const ids = host.of('graph').at(-1)?.graph.layers.map((l) => l.id);
  assert.deepEqual(ids, ['0', '1', 'Sequential.0'], "the second model's layers carry its class name; the frozen Linear and the loss are not layers");
});

test('--max-steps ends a user loop where it is: the code after it does not run and the run completes', () => {
  const host = scriptedHost();
  let after = false;
  const outcome = session(host, { maxSteps: 5 }).run(() => userLoop(3, () => (after = true)));
  assert.equal(outcome, 'completed');
  assert.equal(host.of('step').length, 5);
  assert.equal(after, false);
  assert.deepEqual(host.of('finished').map((f) => [f.reason, f.step]), [['completed', 5]]);
});

test('Step Over and Pause stop a user loop before the next step; Stop unwinds it', () => {
  const pause: HostCommand = { type: 'pause', seq: 1 };
  const host = scriptedHost(
    [
      [{ type: 'evaluate', seq: 2, expression: 'batch.x.shape' }, { type: 'step', seq: 3, unit: 'batch', count: 1 }],
      [{ type: 'stop', seq: 4 }],
    ],
    [pause],
  );
  let after = false;
  assert.equal(session(host).run(() => userLoop(2, () => (after = true))), 'stopped');
  assert.deepEqual(host.of('paused').map((p) => [p.reason, p.step, p.frames[0].name]), [['pause', 0, 'train step 0'], ['step', 1, 'train step 1']]);
  assert.deepEqual(host.of('response').find((r) => r.request_seq === 2)?.body, { result: '[8, 4]' });
  assert.equal(after, false);
  assert.deepEqual(host.of('finished').map((f) => f.reason), ['stopped']);
});

test('an anomaly breakpoint stops a user loop at the step that produced NaN', () => {
  const host = scriptedHost([[{ type: 'evaluate', seq: 1, expression: 'step' }, { type: 'stop', seq: 2 }]]);
  session(host, { breakOn: [{ kind: 'nonFinite' }] }).run(() => {
    const model = new nn.Linear(3, 1);
    const optimizer = new optim.SGD(model.parameters(), 0.1);
    for (let i = 0; i < 10; i++) {
      optimizer.zero_grad();
      const x = new Tensor(Float32Array.from({ length: 6 }, () => (i === 4 ? Number.NaN : 1)), [2, 3]);
      model(x).sum().backward();
      optimizer.step();
    }
  });
  const [stop] = host.of('paused');
  assert.equal(stop?.reason, 'anomaly');
  assert.equal(stop?.anomaly?.kind, 'nonFinite');
  assert.equal(stop?.step, 4);
  assert.deepEqual(host.of('response').find((r) => r.request_seq === 1)?.body, { result: '4' });
});

test("gradlens.log() values become metrics messages at the last step taken, in that step's epoch", () => {
  const host = scriptedHost();
  session(host).run(() =>
    userLoop(2, undefined, (epoch, evaluated) => log({ val_samples: evaluated, epoch_seen: new Tensor(new Float32Array([epoch]), []) })),
  );
  assert.deepEqual(
    host.of('metrics').map((m) => [m.step, m.epoch, m.values]),
    [
      [7, 0, { val_samples: 24, epoch_seen: 0 }],
      [15, 1, { val_samples: 48, epoch_seen: 1 }],
    ],
  );
});

test('an evaluation in eval mode without no_grad is not a step, and its batch is not the step\'s', () => {
  const host = scriptedHost();
  session(host).run(() => {
    const model = new nn.Sequential(new nn.Linear(4, 2));
    const optimizer = new optim.SGD(model.parameters(), 0.1);
    for (let i = 0; i < 3; i++) {
      model.train();
      optimizer.zero_grad();
      model(randn([6, 4])).sum().backward();
      optimizer.step();
      model.eval();
      model(randn([50, 4]));
    }
  });
  const steps = host.of('step');
  assert.deepEqual(steps.map((s) => s.step), [0, 1, 2]);
  // samples/s counts the batch of the step: 6 training samples, not the 50 evaluated before the step began.
  assert.deepEqual(steps.map((s) => Math.round((s.samplesPerSec * s.stepMs) / 1000)), [6, 6, 6]);
});

test('no_grad() without a function turns gradients off until its scope is disposed, once', () => {
  const scope = no_grad();
  const inner = no_grad();
  assert.equal(is_grad_enabled(), false);
  inner[Symbol.dispose]();
  assert.equal(is_grad_enabled(), false, 'the outer scope still holds');
  scope[Symbol.dispose]();
  assert.equal(is_grad_enabled(), true);
  scope[Symbol.dispose]();
  assert.equal(is_grad_enabled(), true);
});

test("stopped on entry, a script's step frame is the line that called the model; later, its optimizer.step() line", () => {
  const host = scriptedHost([[{ type: 'step', seq: 1, unit: 'batch', count: 1 }], [{ type: 'resume', seq: 2 }]]);
  // The caller's line: frame 0 of the stack is here(), frame 1 the line that called it.
  const here = (): number => Number(/train-session\.test\.ts:(\d+)/.exec((new Error().stack ?? '').split('\n')[2] ?? '')?.[1]);
  const lines: number[] = [];
  session(host, { stopOnEntry: true, maxSteps: 2 }).run(() => {
    const model = new nn.Linear(2, 1);
    const optimizer = new optim.SGD(model.parameters(), 0.1);
    for (;;) {
      optimizer.zero_grad();
      lines.push(here() + 1);
      const out = model(randn([3, 2]));
      out.sum().backward();
      lines.push(here() + 1);
      optimizer.step();
    }
  });
  const frames = host.of('paused').map((p) => p.frames.find((f) => f.name.startsWith('train step'))?.source?.line);
  assert.deepEqual(frames, [lines[0], lines[1]]);
});
