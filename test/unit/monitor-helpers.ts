// Builders for monitor tests: StepSamples from plain numbers.
import type { LayerStats } from '../../protocol/messages';
import type { LayerMeta, StepSample } from '../../engine/monitor/detector';

export const MLP: LayerMeta[] = [
  { id: '0', name: 'Linear(784, 256)', type: 'Linear', source: { file: '/m.ts', line: 4, column: 3 } },
  { id: '1', name: 'ReLU()', type: 'ReLU', source: { file: '/m.ts', line: 5, column: 3 } },
  { id: '2', name: 'Linear(256, 10)', type: 'Linear', source: { file: '/m.ts', line: 6, column: 3 } },
];

export function sample(step: number, loss: number, extra: Partial<StepSample> = {}): StepSample {
  return { step, epoch: 0, loss, layers: MLP, ...extra };
}

export function grads(norms: number[], meanAbs?: number[]): LayerStats[] {
  const ids = ['0', '2'];
  return norms.map((n, i) => ({ id: ids[i], gradNorm: n, gradMeanAbs: meanAbs?.[i] ?? n / 100, gradZeroFrac: 0 }));
}

/** Deterministic pseudo-noise in [-1, 1] so loss tests are reproducible. */
export function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}
