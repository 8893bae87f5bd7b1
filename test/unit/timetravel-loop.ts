// A small training loop written the way a user writes one (for ... of a DataLoader, forward, backward, step), that
// calls the debugger's hook points at the places a run session calls them and lends its state to time travel, and
// a host whose commands are a script. What time travel tests drive; no process, no session.
import type { Anomaly, EngineMessage, EngineMessageOf, HostCommand, StartOptions } from '../../protocol/messages';
import { tensor } from '../../engine/creation';
import { DataLoader } from '../../engine/data/loader';
import { TensorDataset } from '../../engine/data/datasets';
import { Monitor } from '../../engine/monitor/monitor';
import { CrossEntropyLoss, Dropout, Linear, ReLU, Sequential } from '../../engine/nn';
import { assignModuleIds, type AnyModule } from '../../engine/nn/module';
import { Adam } from '../../engine/optim/adam';
import { manual_seed } from '../../engine/random';
import { DebugController, type DebugOptions } from '../../engine/train/debugger/controller';
import type { DebugTarget } from '../../engine/train/debugger/view';

export type Command = HostCommand extends infer C ? (C extends { seq: number } ? Omit<C, 'seq'> : never) : never;

export class ScriptedHost {
  readonly sent: EngineMessage[] = [];
  private readonly script: HostCommand[][] = [];
  private seq = 0;

  /** Commands answered, one group per host.wait() while paused. */
  whenPaused(...groups: Command[][]): void {
    for (const g of groups) this.script.push(g.map((c) => ({ ...c, seq: ++this.seq }) as HostCommand));
  }

  emit(msg: EngineMessage): void {
    this.sent.push(msg);
  }

  poll(): HostCommand[] {
    return [];
  }

  wait(): HostCommand[] {
    const next = this.script.shift();
    if (!next) throw new Error('paused with no command left in the script');
    return next;
  }

  of<T extends EngineMessage['type']>(type: T): EngineMessageOf<T>[] {
    return this.sent.filter((m): m is EngineMessageOf<T> => m.type === type);
  }

  failures(): string[] {
    return this.of('response').filter((r) => !r.success).map((r) => r.error?.message ?? '');
  }
}

export interface LoopRun {
  host: ScriptedHost;
  debug: DebugController;
  /** Final weights. */
  weights: Float32Array[];
  lr: number;
}

/**
 * 60 samples of 4 features in 3 classes, batches of 5 in order (12 an epoch), an MLP with dropout, Adam. `nanBatches`
 * makes the first sample of those batches infinite (a NaN loss); `inject` adds anomalies to a step's (an anomaly breakpoint's
 * trigger without a real spike).
 */
export function runLoop(
  options: DebugOptions & Pick<StartOptions, 'snapshots'>,
  script: Command[][],
  opts: { steps?: number; nanBatches?: number[]; inject?: (step: number) => Anomaly[]; afterStep?: (step: number, groups: Array<{ lr: number }>) => void } = {},
): LoopRun {
  manual_seed(7);
  const n = 60;
  const xs = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 1.3));
  // A sample of infinities: ReLU passes +Inf, the next Linear adds +Inf and -Inf, and the loss is NaN.
  for (const b of opts.nanBatches ?? []) xs.fill(Infinity, b * 5 * 4, b * 5 * 4 + 4);
  const ys = Array.from({ length: n }, (_, i) => i % 3);
  const loader = new DataLoader(new TensorDataset(tensor(xs).reshape([n, 4]), tensor(ys)), { batch_size: 5 });
  const model = new Sequential(new Linear(4, 8), new ReLU(), new Dropout(0.2), new Linear(8, 3));
  const opt = new Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new CrossEntropyLoss();
  assignModuleIds(model as unknown as AnyModule);
  const layers = model.children() as unknown as AnyModule[];
  const monitor = new Monitor();
  const host = new ScriptedHost();
  host.whenPaused(...script);
  let step = 0;
  let epoch = 0;
  let lastLoss = NaN;
  const target: DebugTarget = {
    step: () => step,
    model: model as unknown as AnyModule,
    layers: () => layers,
    stepSource: { file: '/work/loop.ts', line: 1, column: 1 },
    scope: () => ({ step, loss: lastLoss }),
    captured: () => undefined,
    setLearningRate: (lr) => opt.param_groups.forEach((g) => (g.lr = lr)),
    travel: {
      parts: { models: () => [model], optimizers: () => [opt], schedulers: () => [], loaders: () => [loader], monitor },
      trainLoader: () => loader,
      // The loop counts the step after batchEnd.
      setNextStep: (s) => (step = s - 1),
      paramGroups: () => opt.param_groups,
    },
  };
  const debug = new DebugController(host, target, monitor, options);
  const emit = (m: EngineMessage): void => {
    if (!debug.silences(m)) host.emit(m);
  };
  const steps = opts.steps ?? 20;
  for (; step < steps; epoch++) {
    for (const [x, y] of loader) {
      debug.batchStart();
      opt.zero_grad();
      const loss = lossFn(model(x), y);
      loss.backward();
      debug.beforeOptimizerStep();
      opt.step();
      const value = loss.data[0];
      lastLoss = value;
      opts.afterStep?.(step, opt.param_groups);
      // The batch field says which batch of the epoch the step trained on (the loader's, not the loop's count).
      const drawn = (loader.cursor().live?.batch ?? 0) - 1;
      emit({ type: 'step', step, epoch, batch: drawn, batchesPerEpoch: loader.len, loss: value, lr: opt.param_groups[0].lr, samplesPerSec: 0, stepMs: 0 });
      const anomalies = [...monitor.observe({ step, epoch, loss: value, layers: [] }), ...(opts.inject?.(step) ?? [])];
      for (const a of anomalies) emit({ type: 'anomaly', anomaly: a });
      debug.batchEnd(anomalies);
      step++;
      if (step >= steps) break;
    }
  }
  return { host, debug, weights: model.parameters().map((p) => p.data.slice()), lr: opt.param_groups[0].lr };
}

/** A lossSpike anomaly at `step` (what an anomaly breakpoint stops on). */
export function spikeAt(step: number): Anomaly {
  return {
    kind: 'lossSpike',
    step,
    epoch: 0,
    rule: { id: 'test.spike', description: 'injected', thresholds: {}, source: 'test' },
    evidence: {},
    message: `Loss spike at step ${step}`,
    hint: '',
  };
}

export function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, k) => Object.is(v, b[i][k])));
}
