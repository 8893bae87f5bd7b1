// Everything a run needs before its first step, built from the training definition: the data (with its
// train/validation splits checked for NaN/Inf), the loaders, the optimizer and scheduler. Errors name the
// model file's line where the data or the definition is written.
import type { SourceLocation, StartOptions } from '../../protocol/messages';
import { DataLoader } from '../data/loader';
import { randomSplit } from '../data/split';
import type { Dataset, Split } from '../data/types';
import type { OptimizerLike, SchedulerLike, TrainingDefinition } from '../definition';
import { TRAINING_DEFAULTS } from '../definition';
import { TrainingError } from './errors';

export interface RunSetup {
  dataset: Dataset;
  train: Split;
  val?: Split;
  trainLoader: DataLoader;
  valLoader?: DataLoader;
  optimizer: OptimizerLike;
  scheduler?: SchedulerLike;
  epochs: number;
  batchSize: number;
  seed: number;
}

/** Where in the model file things are written (found in its text; used for error locations and frames). */
export interface FileLocations {
  definition: SourceLocation;
  data: SourceLocation;
}

export function locateInFile(file: string, text: string): FileLocations {
  const lines = text.split('\n');
  const find = (re: RegExp): SourceLocation | undefined => {
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(lines[i]);
      if (m) return { file, line: i + 1, column: m.index + 1 };
    }
    return undefined;
  };
  const definition = find(/export\s+default|defineTraining\s*\(/) ?? { file, line: 1, column: 1 };
  const data = find(/\bdata\s*\.\s*\w+\s*\(/) ?? find(/\bdata\s*:/) ?? definition;
  return { definition, data };
}

/** The first NaN/Inf in a split, as "sample i, feature f" (null when clean). */
export function findNonFinite(split: Split, names?: string[]): { sample: number; feature: string; value: number } | null {
  const per = split.n > 0 ? split.x.length / split.n : 0;
  for (let i = 0; i < split.x.length; i++) {
    const v = split.x[i];
    if (v - v !== 0) return { sample: Math.floor(i / per), feature: names?.[i % per] ?? `#${i % per}`, value: v };
  }
  for (let i = 0; i < split.y.length; i++) {
    const v = split.y[i];
    if (v - v !== 0) return { sample: Math.floor(i / Math.max(1, split.y.length / split.n)), feature: 'target', value: v };
  }
  return null;
}

export function prepareRun(def: TrainingDefinition, options: StartOptions, baseDir: string, where: FileLocations): RunSetup {
  const epochs = options.epochs ?? def.epochs ?? TRAINING_DEFAULTS.epochs;
  const batchSize = def.batchSize ?? TRAINING_DEFAULTS.batchSize;
  const seed = options.seed ?? def.seed ?? TRAINING_DEFAULTS.seed;
  let dataset: Dataset;
  try {
    dataset = def.data.load({ baseDir }) as Dataset;
  } catch (err) {
    const e = err as Error;
    // Data errors that know the offending line of the data file (a CSV row) point there; others at the model
    // file's data line.
    const m = /((?:[A-Za-z]:)?[\\/][^\s:]+):(\d+):/.exec(e.message ?? '');
    const location = m ? { file: m[1], line: Number(m[2]), column: 1 } : where.data;
    throw new TrainingError({
      id: 'dataError',
      message: `${location === where.data ? `${where.data.file}:${where.data.line}: ` : ''}Loading the data (declared at ${where.data.file}:${where.data.line}) failed: ${e.message}`,
      showUser: true,
      location,
      hint: 'Check the data options at this line (file path, column names, target column).',
      stack: e.stack,
    });
  }
  for (const [name, split] of [['training', dataset.train], ['test', dataset.test]] as const) {
    if (!split) continue;
    const bad = findNonFinite(split, dataset.featureNames);
    if (bad) {
      throw new TrainingError({
        id: 'nonFiniteData',
        message: `${where.data.file}:${where.data.line}: The ${name} data contains ${bad.value} at sample ${bad.sample}, feature "${bad.feature}".`,
        showUser: true,
        location: where.data,
        hint: 'Remove or fill the missing values in the data file (empty CSV cells become NaN), then run again.',
      });
    }
  }
  let train = dataset.train;
  let val = dataset.test;
  const valFraction = def.valFraction ?? TRAINING_DEFAULTS.valFraction;
  if (!val && valFraction > 0 && train.n > 1) {
    const nVal = Math.max(1, Math.round(train.n * valFraction));
    [train, val] = randomSplit(train, [train.n - nVal, nVal], seed);
  }
  const trainLoader = new DataLoader(train, { batch_size: batchSize, shuffle: true, seed });
  const valLoader = val && val.n > 0 ? new DataLoader(val, { batch_size: Math.max(256, batchSize), shuffle: false }) : undefined;
  const params = (def.model as unknown as { parameters(): Parameters<TrainingDefinition['optimizer']>[0] }).parameters();
  const optimizer = def.optimizer(params);
  if (!optimizer || typeof optimizer.step !== 'function' || !Array.isArray(optimizer.param_groups)) {
    throw new TrainingError({
      id: 'badOptimizer',
      message: `${where.definition.file}:${where.definition.line}: optimizer must return an optimizer, e.g. (params) => new optim.Adam(params, { lr: 1e-3 })`,
      showUser: true,
      location: where.definition,
    });
  }
  const scheduler = def.scheduler?.(optimizer);
  return { dataset, train, val, trainLoader, valLoader, optimizer, scheduler, epochs, batchSize, seed };
}
