// Two interleaving half circles, as sklearn.datasets.make_moons: the outer moon (class 0) is the upper half of the
// unit circle, the inner moon (class 1) is the lower half shifted to (1, 0.5); Gaussian noise of std `noise` is added
// to each coordinate.
import { checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, twoClass, type CommonOptions, type TwoClassTask } from './common';
import { linspace } from './linspace';

export interface MoonsOptions extends CommonOptions {
  noise: number;
  task: TwoClassTask;
}

export function moons(options?: Partial<MoonsOptions>): DataSource<'moons', MoonsOptions> {
  const o = resolveOptions<MoonsOptions>('moons', { ...COMMON_DEFAULTS, noise: 0.1, task: 'binary' }, options);
  checkNumber('moons', 'noise', o.noise, 0);
  const t = twoClass('moons', o.task);
  return generatedSource('moons', o, () => ({
    ...t,
    inputShape: [2],
    featureNames: ['x0', 'x1'],
    fill(gen, x, y, n) {
      const nOut = Math.floor(n / 2);
      const outer = linspace(0, Math.PI, nOut);
      const inner = linspace(0, Math.PI, n - nOut);
      for (let i = 0; i < n; i++) {
        const isInner = i >= nOut;
        const a = isInner ? inner[i - nOut] : outer[i];
        x[2 * i] = isInner ? 1 - Math.cos(a) : Math.cos(a);
        x[2 * i + 1] = isInner ? 1 - Math.sin(a) - 0.5 : Math.sin(a);
        y[i] = isInner ? 1 : 0;
      }
      if (o.noise > 0) for (let k = 0; k < 2 * n; k++) x[k] += o.noise * gen.normal();
    },
  }));
}
