// A one-dimensional regression: x uniform in [-pi, pi], y = sin(x) + noise * N(0, 1). Input and target are both
// shaped [1] per sample, so a model ending in nn.Linear(h, 1) pairs with nn.MSELoss directly.
import { checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, type CommonOptions } from './common';

export interface SineOptions extends CommonOptions {
  noise: number;
}

export function sine(options?: Partial<SineOptions>): DataSource<'sine', SineOptions> {
  const o = resolveOptions<SineOptions>('sine', { ...COMMON_DEFAULTS, noise: 0.1 }, options);
  checkNumber('sine', 'noise', o.noise, 0);
  return generatedSource('sine', o, () => ({
    task: 'regression',
    inputShape: [1],
    yShape: [1],
    featureNames: ['x'],
    fill(gen, x, y, n) {
      for (let i = 0; i < n; i++) {
        const v = gen.uniform(-Math.PI, Math.PI);
        x[i] = v;
        y[i] = Math.sin(v) + (o.noise > 0 ? o.noise * gen.normal() : 0);
      }
    },
  }));
}
