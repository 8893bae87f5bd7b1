// Z-score normalisation of input features. The statistics come from the training split only, so nothing about the
// test split leaks into training (sklearn's StandardScaler fitted on the training part).

export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** Per-feature mean and population standard deviation (ddof = 0, as StandardScaler), computed in float64. */
export function featureStats(x: Float32Array, n: number, features: number): FeatureStats {
  const mean = new Array<number>(features).fill(0);
  const sq = new Array<number>(features).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < features; j++) mean[j] += x[i * features + j];
  for (let j = 0; j < features; j++) mean[j] /= Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) {
      const d = x[i * features + j] - mean[j];
      sq[j] += d * d;
    }
  }
  // A constant column has std 0; dividing by 1 instead leaves it at 0 rather than NaN (StandardScaler does the same).
  const std = sq.map((s) => Math.sqrt(s / Math.max(n, 1)) || 1);
  return { mean, std };
}

/** x <- (x - mean) / std, in place. */
export function applyStats(x: Float32Array, features: number, stats: FeatureStats): void {
  for (let k = 0; k < x.length; k++) {
    const j = k % features;
    x[k] = (x[k] - stats.mean[j]) / stats.std[j];
  }
}
