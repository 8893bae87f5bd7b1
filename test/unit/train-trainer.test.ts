// The defineTraining loop in-process with a scripted host: the shapes it reports are the run's batch size (not
// a smaller look-ahead batch), and Step Into through a real model shows each layer's tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineMessage, EngineMessageOf, HostCommand } from '../../protocol/messages';
import { data, defineTraining, nn } from '../../engine';
import * as optim from '../../engine/optim';
import { TrainingError } from '../../engine/train/errors';
import { Trainer } from '../../engine/train/trainer';

const FILE = '/work/model.ts';
const where = { definition: { file: FILE, line: 4, column: 1 }, data: { file: FILE, line: 9, column: 1 } };

function train(model: nn.Module<never[], unknown>, batchSize: number, script: HostCommand[][] = [], stopOnEntry = false) {
  const sent: EngineMessage[] = [];
  const host = {
    emit: (m: EngineMessage) => sent.push(m),
    poll: (): HostCommand[] => [],
    wait: (): HostCommand[] => {
      const next = script.shift();
      if (!next) throw new Error('paused with no command left in the script');
      return next;
    },
  };
  const definition = defineTraining({
    model,
    data: data.blobs({ n: 200, features: 2, centers: 3 }),
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
    batchSize,
  });
  const trainer = new Trainer(host, { definition, modelFile: FILE, options: { modelFile: FILE, maxSteps: 2, stopOnEntry }, where });
  let error: unknown;
  try {
    trainer.run();
  } catch (err) {
    error = err;
  }
  const of = <T extends EngineMessage['type']>(type: T) => sent.filter((m): m is EngineMessageOf<T> => m.type === type);
  return { of, error };
}

test('the graph shows the shapes of a training batch, at the run batch size', () => {
  const { of } = train(new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3)) as never, 32);
  const [graph] = of('graph');
  assert.deepEqual(graph.graph.layers.map((l) => l.outputShape), [[32, 16], [32, 16], [32, 3]]);
  assert.deepEqual(graph.graph.layers[0].inputShape, [32, 2]);
});

test("a shape error before the first step quotes the batch's real shape", () => {
  const { error } = train(new nn.Sequential(new nn.Linear(2, 16), new nn.Linear(8, 3)) as never, 64);
  assert.ok(error instanceof Error && !(error instanceof TrainingError), 'the layer error itself reaches the child');
  assert.match((error as Error).message, /expected \[\.\.\., 8\], got \[64, 16\]/);
});

test("Step Into a real model: the layer's input at its forward, the output of the layers before, its output gradient", () => {
  const step = (seq: number): HostCommand => ({ type: 'step', seq, unit: 'layer', count: 1 });
  const inspect = (seq: number, layerId: string, what: 'activation' | 'outGrad'): HostCommand => ({ type: 'inspect', seq, layerId, what });
  const { of, error } = train(new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3)) as never, 32, [
    [step(1)],
    [{ type: 'evaluate', seq: 2, expression: 'input.shape' }, step(3)],
    [inspect(4, '0', 'activation'), step(5)],
    [step(6)],
    [inspect(7, '2', 'outGrad'), { type: 'resume', seq: 8 }],
  ], true);
  assert.equal(error, undefined);
  const stops = of('paused').map((p) => p.frames[0].name);
  assert.deepEqual(stops, ['train step 0', 'Linear(2, 16) (0) · forward', 'ReLU() (1) · forward', 'Linear(16, 3) (2) · forward', 'Linear(16, 3) (2) · backward']);
  const body = (seq: number) => of('response').find((r) => r.request_seq === seq)?.body as Record<string, unknown>;
  assert.deepEqual(body(2), { result: '[32, 2]' });
  assert.deepEqual(body(4).shape, [32, 16], 'the layer that ran before the stop shows its output');
  assert.deepEqual(body(7).shape, [32, 3], 'the backward stop shows the output gradient');
  assert.equal(of('finished')[0]?.reason, 'completed');
});

test("ReduceLROnPlateau in a definition steps once an epoch on the validation loss, whatever schedulerStep says", () => {
  const sent: EngineMessage[] = [];
  const host = { emit: (m: EngineMessage) => sent.push(m), poll: (): HostCommand[] => [], wait: (): HostCommand[] => [] };
  const definition = defineTraining({
    model: new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 3)),
    data: data.blobs({ n: 200, features: 2, centers: 3 }),
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
    // 'max' on a falling validation loss: no epoch after the first is better, so each halves the rate.
    scheduler: (opt) => new optim.lr_scheduler.ReduceLROnPlateau(opt, 'max', 0.5, 0),
    epochs: 3,
    batchSize: 32,
  });
  new Trainer(host, { definition, modelFile: FILE, options: { modelFile: FILE }, where }).run();
  const steps = sent.filter((m): m is EngineMessageOf<'step'> => m.type === 'step');
  assert.equal(sent.filter((m) => m.type === 'error').length, 0);
  const lrOf = (epoch: number) => [...new Set(steps.filter((s) => s.epoch === epoch).map((s) => s.lr))];
  assert.deepEqual([lrOf(0), lrOf(1), lrOf(2)], [[0.1], [0.1], [0.05]]);
});
