// Interleaved spiral arms, one per class, as in Stanford CS231n's spiral example: class j's points have radius
// r = linspace(0, 1) and angle t = linspace(4j, 4(j+1)) + noise * N(0, 1), at (r sin t, r cos t). No straight line
// separates the arms, which makes this the classic demo of what hidden layers buy.
import { checkInt, checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, type CommonOptions } from './common';
import { linspace } from './linspace';

export interface SpiralOptions extends CommonOptions {
  classes: number;
  noise: number;
}

export function spiral(options?: Partial<SpiralOptions>): DataSource<'spiral', SpiralOptions> {
  const o = resolveOptions<SpiralOptions>('spiral', { ...COMMON_DEFAULTS, n: 300, classes: 3, noise: 0.2 }, options);
  checkInt('spiral', 'classes', o.classes, 2);
  checkNumber('spiral', 'noise', o.noise, 0);
  return generatedSource('spiral', o, () => ({
    task: 'classification',
    inputShape: [2],
    yShape: [],
    numClasses: o.classes,
    featureNames: ['x0', 'x1'],
    classNames: Array.from({ length: o.classes }, (_, j) => `arm ${j}`),
    fill(gen, x, y, n) {
      let i = 0;
      for (let j = 0; j < o.classes; j++) {
        // Like make_blobs, the first n % classes classes get one extra sample.
        const m = Math.floor(n / o.classes) + (j < n % o.classes ? 1 : 0);
        const r = linspace(0, 1, m);
        const t = linspace(4 * j, 4 * (j + 1), m);
        for (let k = 0; k < m; k++, i++) {
          const a = t[k] + o.noise * gen.normal();
          x[2 * i] = r[k] * Math.sin(a);
          x[2 * i + 1] = r[k] * Math.cos(a);
          y[i] = j;
        }
      }
    },
  }));
}
