// A small circle inside a large one, as sklearn.datasets.make_circles: the outer circle (class 0) has radius 1, the
// inner one (class 1) radius `factor`; points are evenly spaced in angle and get Gaussian noise of std `noise`.
import { DataError } from '../errors';
import { checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, twoClass, type CommonOptions, type TwoClassTask } from './common';
import { linspace } from './linspace';

export interface CirclesOptions extends CommonOptions {
  noise: number;
  factor: number;
  task: TwoClassTask;
}

export function circles(options?: Partial<CirclesOptions>): DataSource<'circles', CirclesOptions> {
  const o = resolveOptions<CirclesOptions>('circles', { ...COMMON_DEFAULTS, noise: 0.05, factor: 0.5, task: 'binary' }, options);
  checkNumber('circles', 'noise', o.noise, 0);
  checkNumber('circles', 'factor', o.factor, 0);
  if (o.factor >= 1) throw new DataError('circles', `option 'factor' (inner radius / outer radius) must be below 1, got ${o.factor}`);
  const t = twoClass('circles', o.task);
  return generatedSource('circles', o, () => ({
    ...t,
    inputShape: [2],
    featureNames: ['x0', 'x1'],
    fill(gen, x, y, n) {
      const nOut = Math.floor(n / 2);
      const outer = linspace(0, 2 * Math.PI, nOut, false);
      const inner = linspace(0, 2 * Math.PI, n - nOut, false);
      for (let i = 0; i < n; i++) {
        const isInner = i >= nOut;
        const a = isInner ? inner[i - nOut] : outer[i];
        const r = isInner ? o.factor : 1;
        x[2 * i] = r * Math.cos(a);
        x[2 * i + 1] = r * Math.sin(a);
        y[i] = isInner ? 1 : 0;
      }
      if (o.noise > 0) for (let k = 0; k < 2 * n; k++) x[k] += o.noise * gen.normal();
    },
  }));
}
