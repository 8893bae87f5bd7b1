// Splitting samples into partitions: the held-out test part of generated/CSV data, and randomSplit, the equivalent
// of torch.utils.data.random_split for carving a validation set out of a training split.
import { Generator } from '../random';
import { DataError } from './errors';
import { sampleSize, type Split } from './types';

/** A new Split holding copies of the given samples, in the given order. */
export function subset(split: Split, indices: ArrayLike<number>, xSize = inferXSize(split)): Split {
  const ySize = sampleSize(split.yShape);
  const n = indices.length;
  const x = new Float32Array(n * xSize);
  const y = new Float32Array(n * ySize);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < split.n)) throw new RangeError(`subset: index ${i} out of range [0, ${split.n})`);
    x.set(split.x.subarray(i * xSize, (i + 1) * xSize), k * xSize);
    if (ySize === 1) y[k] = split.y[i];
    else y.set(split.y.subarray(i * ySize, (i + 1) * ySize), k * ySize);
  }
  const out: Split = { x, y, n, yShape: [...split.yShape] };
  if (split.xShape) out.xShape = [...split.xShape];
  return out;
}

function inferXSize(split: Split): number {
  if (split.xShape) return sampleSize(split.xShape);
  return split.n === 0 ? 0 : split.x.length / split.n;
}

/**
 * Shuffles all samples with `gen` and holds out round(n * testFraction) of them for testing (like sklearn's
 * train_test_split with shuffle=True). The test split is omitted when it would be empty.
 */
export function holdOut(all: Split, xSize: number, testFraction: number, gen: Generator): { train: Split; test?: Split } {
  const perm = gen.randperm(all.n);
  const nTest = Math.round(all.n * testFraction);
  const nTrain = all.n - nTest;
  const train = subset(all, perm.subarray(0, nTrain), xSize);
  return nTest > 0 ? { train, test: subset(all, perm.subarray(nTrain), xSize) } : { train };
}

/**
 * torch.utils.data.random_split: `lengths` are either sample counts that add up to split.n, or fractions that add
 * up to 1 (each part gets floor(n * f) samples, and the remainder is dealt one by one to the parts in order, as
 * PyTorch does). The samples are a random permutation drawn from Generator(seed), cut in consecutive pieces.
 */
export function randomSplit(split: Split, lengths: readonly number[], seed = 0): Split[] {
  const counts = resolveLengths(split.n, lengths);
  const perm = new Generator(seed).randperm(split.n);
  const xSize = inferXSize(split);
  const parts: Split[] = [];
  let start = 0;
  for (const c of counts) {
    parts.push(subset(split, perm.subarray(start, start + c), xSize));
    start += c;
  }
  return parts;
}

function resolveLengths(n: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0 || lengths.some((l) => !Number.isFinite(l) || l < 0)) {
    throw new DataError('randomSplit', `lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  // Like PyTorch, lengths adding up to 1 are read as fractions, even [1, 0].
  if (Math.abs(total - 1) < 1e-9) {
    const counts = lengths.map((f) => Math.floor(n * f));
    let remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
    return counts;
  }
  if (lengths.every((l) => Number.isInteger(l)) && total === n) return [...lengths];
  throw new DataError(
    'randomSplit',
    `lengths [${lengths.join(', ')}] must be fractions adding up to 1 or sample counts adding up to the split's ${n} samples`,
  );
}
