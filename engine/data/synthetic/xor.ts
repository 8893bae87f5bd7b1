// The XOR problem on the plane: points uniform in [-1, 1]^2, class 1 where exactly one coordinate is positive
// (opposite quadrants share a class, so no straight line separates them). Noise is added after labelling, so a
// noisy point can cross an axis and keep its label.
import { checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, twoClass, type CommonOptions, type TwoClassTask } from './common';

export interface XorOptions extends CommonOptions {
  noise: number;
  task: TwoClassTask;
}

export function xor(options?: Partial<XorOptions>): DataSource<'xor', XorOptions> {
  const o = resolveOptions<XorOptions>('xor', { ...COMMON_DEFAULTS, noise: 0, task: 'binary' }, options);
  checkNumber('xor', 'noise', o.noise, 0);
  const t = twoClass('xor', o.task);
  return generatedSource('xor', o, () => ({
    ...t,
    inputShape: [2],
    featureNames: ['x0', 'x1'],
    fill(gen, x, y, n) {
      for (let i = 0; i < n; i++) {
        const a = gen.uniform(-1, 1);
        const b = gen.uniform(-1, 1);
        y[i] = a > 0 !== b > 0 ? 1 : 0;
        x[2 * i] = o.noise > 0 ? a + o.noise * gen.normal() : a;
        x[2 * i + 1] = o.noise > 0 ? b + o.noise * gen.normal() : b;
      }
    },
  }));
}
