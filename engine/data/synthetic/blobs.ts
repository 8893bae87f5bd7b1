// Isotropic Gaussian clusters, as sklearn.datasets.make_blobs: `centers` is a count (centres drawn uniformly in
// [-10, 10]^features, sklearn's default center_box) or explicit coordinates; each centre gets n / centers samples
// (the first n % centers one more) drawn from N(centre, std^2 I). The class is the centre's index.
import { DataError } from '../errors';
import { checkInt, checkNumber } from '../options';
import type { DataSource } from '../types';
import { COMMON_DEFAULTS, generatedSource, resolveOptions, type CommonOptions } from './common';

export interface BlobsOptions extends CommonOptions {
  centers: number | number[][];
  std: number;
  /** Dimensions of each point when `centers` is a count. */
  features: number;
}

export function blobs(options?: Partial<BlobsOptions>): DataSource<'blobs', BlobsOptions> {
  const o = resolveOptions<BlobsOptions>('blobs', { ...COMMON_DEFAULTS, n: 300, centers: 3, std: 1, features: 2 }, options);
  checkNumber('blobs', 'std', o.std, 0);
  checkInt('blobs', 'features', o.features, 1);
  const given = o.centers;
  if (typeof given === 'number') checkInt('blobs', 'centers', given, 1);
  else if (!validCentres(given)) {
    throw new DataError('blobs', `option 'centers' must be a count or a non-empty array of coordinate arrays of equal length`);
  }
  return generatedSource('blobs', o, () => {
    const k = typeof o.centers === 'number' ? o.centers : o.centers.length;
    const d = typeof o.centers === 'number' ? o.features : o.centers[0].length;
    return {
      task: 'classification',
      inputShape: [d],
      yShape: [],
      numClasses: k,
      featureNames: Array.from({ length: d }, (_, j) => `x${j}`),
      fill(gen, x, y, n) {
        const centres = typeof o.centers === 'number'
          ? Array.from({ length: k }, () => Array.from({ length: d }, () => gen.uniform(-10, 10)))
          : o.centers;
        let i = 0;
        for (let c = 0; c < k; c++) {
          const m = Math.floor(n / k) + (c < n % k ? 1 : 0);
          for (let s = 0; s < m; s++, i++) {
            for (let j = 0; j < d; j++) x[i * d + j] = centres[c][j] + o.std * gen.normal();
            y[i] = c;
          }
        }
      },
    };
  });
}

function validCentres(c: unknown): c is number[][] {
  if (!Array.isArray(c) || c.length === 0 || !Array.isArray(c[0])) return false;
  const d = (c[0] as unknown[]).length;
  return d > 0 && c.every((p) => Array.isArray(p) && p.length === d && p.every((v) => typeof v === 'number' && Number.isFinite(v)));
}
