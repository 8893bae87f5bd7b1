// defineTraining's loop: a small training loop written exactly as a user would write their own (zero_grad,
// model(x), loss, loss.backward(), optimizer.step()), run inside a RunSession (session.ts), which instruments it
// through the same hooks as any script. Only what a definition adds lives here: building the data, optimizer
// and scheduler from the definition, gradient clipping, accuracy, the validation pass and the scheduler's epoch
// step (ReduceLROnPlateau gets the validation loss, as PyTorch users feed it).
import type { StartOptions } from '../../protocol/messages';
import { no_grad, takeNonFiniteReport } from '../autograd';
import type { SchedulerLike, TrainingDefinition } from '../definition';
import { ReduceLROnPlateau } from '../optim/lr_scheduler/reduce-lr-on-plateau';
import { manual_seed } from '../random';
import { clip_grad_norm_ } from '../nn/utils';
import { TrainingError } from './errors';
import { accuracyKind, callLoss, countCorrect, type AccuracyKind } from './loss-eval';
import type { AnyModule } from './probe';
import { prepareRun, type FileLocations, type RunSetup } from './setup';
import { RunSession, type SessionInput } from './session';
import type { DebugHost } from './debugger/controller';

export { DEFAULT_HISTOGRAM_EVERY, UPDATE_RATIO_EVERY } from './session';

/** The engine child's side of the protocol, as a run and its debugger use it. */
export type TrainerHost = DebugHost;

export interface TrainerInput extends SessionInput {
  definition: TrainingDefinition;
}

/** A defineTraining run on its own session (tests, benchmarks); the engine child runs definitions through trainDefinition. */
export class Trainer {
  private readonly session: RunSession;

  constructor(
    host: TrainerHost,
    private readonly input: TrainerInput,
  ) {
    this.session = new RunSession(host, input);
  }

  /** Runs the whole training. Returns how it ended; throws TrainingError (or the user's error) on failure. */
  run(): 'completed' | 'stopped' {
    return this.session.run(() => trainDefinition(this.session, this.input.definition, this.input.modelFile, this.input.options, this.input.where));
  }

  get currentStep(): number {
    return this.session.currentStep;
  }

  get timing(): { telemetryMs: number; stepMs: number } {
    return this.session.timing;
  }
}

/** defineTraining's loop, inside `session.run`. */
export function trainDefinition(session: RunSession, def: TrainingDefinition, modelFile: string, options: StartOptions, where: FileLocations): void {
  const baseDir = modelFile.replace(/[\\/][^\\/]*$/, '');
  const s = prepareRun(def, options, baseDir, where);
  if (s.train.n === 0) throw new TrainingError({ id: 'emptyData', message: 'The training data is empty.', showUser: true, location: where.data });
  session.autoEpochs = false;
  session.describe(
    { epochs: s.epochs, batchSize: s.batchSize, seed: s.seed, trainSize: s.train.n, valSize: s.val?.n ?? 0 },
    where.definition,
  );
  // The model's weights were drawn while the file ran; dropout and anything else random in training follow the
  // run's seed from here.
  manual_seed(s.seed);
  const model = def.model as unknown as AnyModule;
  const acc = accuracyKind(s.dataset.task, def.loss, def.accuracy);
  // ReduceLROnPlateau judges an epoch's loss: it steps once an epoch whatever schedulerStep says.
  const perEpoch = def.schedulerStep === 'epoch' || isPlateau(s.scheduler);
  for (let epoch = 0; epoch < s.epochs && !session.atStepLimit; epoch++) {
    model.train();
    let correct = 0;
    let seen = 0;
    let lossSum = 0;
    for (const [x, y] of s.trainLoader) {
      if (session.atStepLimit) break;
      s.optimizer.zero_grad();
      const out = model(x);
      const loss = callLoss(def.loss, out, y, x);
      const value = loss.data[0];
      correct += countCorrect(acc, out, y);
      seen += x.shape[0];
      lossSum += value * x.shape[0];
      loss.backward();
      if (def.clipGradNorm !== undefined) clip_grad_norm_(model.parameters(), def.clipGradNorm);
      s.optimizer.step();
      if (s.scheduler && !perEpoch) s.scheduler.step();
      // The session's count of the step just taken: it goes back with time travel (a count of this loop's would not,
      // and a replay would then call onStep with other steps than the run it reproduces).
      def.onStep?.({ step: session.currentStep - 1, epoch, loss: value, optimizer: s.optimizer });
    }
    const val = validate(s, def, model, acc);
    if (s.scheduler && perEpoch) stepEpochScheduler(s, val?.loss ?? lossSum / Math.max(1, seen));
    session.endEpoch({ ...(acc && seen ? { trainAccuracy: correct / seen } : {}), ...(val ? { val } : {}) });
  }
}

/** ReduceLROnPlateau steps on a metric (the validation loss, else the epoch's training loss); the others on nothing. */
function stepEpochScheduler(s: RunSetup, metric: number): void {
  const sched = s.scheduler;
  if (!sched) return;
  if (isPlateau(sched)) sched.step(metric);
  else sched.step();
}

function isPlateau(sched: SchedulerLike | undefined): boolean {
  return sched instanceof ReduceLROnPlateau;
}

function validate(s: RunSetup, def: TrainingDefinition, model: AnyModule, acc: AccuracyKind): { loss: number; accuracy?: number } | undefined {
  const loader = s.valLoader;
  if (!loader) return undefined;
  model.eval();
  let lossSum = 0;
  let n = 0;
  let correct = 0;
  try {
    no_grad(() => {
      for (const [x, y] of loader) {
        const out = model(x);
        const l = callLoss(def.loss, out, y, x).data[0];
        const k = x.shape[0];
        lossSum += l * k;
        n += k;
        correct += countCorrect(acc, out, y);
      }
    });
  } finally {
    model.train();
  }
  takeNonFiniteReport();
  const loss = lossSum / Math.max(1, n);
  return acc ? { loss, accuracy: correct / Math.max(1, n) } : { loss };
}
