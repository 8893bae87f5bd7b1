// The data namespace users import as `data` (engine/index.ts re-exports it): sources that load lazily into a
// Dataset, the DataLoader that batches a Split into Tensors, and randomSplit.
export type { Dataset, DataSource, LoadContext, Split, Task } from './types';
export { DataError } from './errors';
export { DataLoader, type Batch, type DataLoaderOptions } from './loader';
export { randomSplit } from './split';
export { TensorDataset } from './datasets';
export { mnist, type MnistOptions } from './mnist';
export { csv, type CsvOptions, type CsvTask } from './csv';
export { xor, type XorOptions } from './synthetic/xor';
export { spiral, type SpiralOptions } from './synthetic/spiral';
export { circles, type CirclesOptions } from './synthetic/circles';
export { moons, type MoonsOptions } from './synthetic/moons';
export { blobs, type BlobsOptions } from './synthetic/blobs';
export { sine, type SineOptions } from './synthetic/sine';
export { sequence, type SequenceOptions, type SequenceProblem } from './synthetic/sequence';
