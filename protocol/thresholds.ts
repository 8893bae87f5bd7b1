// Default thresholds of every anomaly detector. Each value comes from a published rule (paper or tool) or, for the
// rules Gradlens defines itself, from the reasoning written down in docs/detectors.md. They are user settings
// (gradlens.detectors.*, StartOptions.thresholds, setThresholds), so this is only where a run starts.
import type { DetectorThresholds } from './messages';

export const DEFAULT_THRESHOLDS: Readonly<DetectorThresholds> = Object.freeze({
  // AUTOTRAINER (Zhang et al., ICSE 2021): ||g_first|| / ||g_last|| < 1e-3 and ||g_first|| < 1e-4.
  vanishingRatio: 1e-3,
  vanishingFirstNorm: 1e-4,
  // SageMaker Debugger vanishing_gradient (threshold 1e-7) / TheDeepChecker (mean |grad| in [1e-7, 1e-6]).
  vanishingMeanAbs: 1e-7,
  // AUTOTRAINER: ||g_first|| / ||g_last|| > 70.
  explodingRatio: 70,
  // Gradlens: any layer's gradient L2 norm above this is exploding whatever the ratio says.
  explodingNorm: 1e4,
  // AUTOTRAINER dying ReLU: >= 70% of a layer's gradients exactly zero.
  deadZeroGradFrac: 0.7,
  // SageMaker Debugger dead_relu / TheDeepChecker: a unit active < 1% of the time is dead, a layer > 50% dead.
  deadUnitActiveFrac: 0.01,
  deadLayerFrac: 0.5,
  // SageMaker Debugger saturated_activation: tanh input outside +-9.4999, sigmoid input outside (-23, 16.99999),
  // the layer is saturated when more than half its inputs are (threshold_layer 0.5).
  tanhSaturation: 9.4999,
  sigmoidLow: -23,
  sigmoidHigh: 16.99999,
  saturationFrac: 0.5,
  // SageMaker Debugger weight_update_ratio / TheDeepChecker: update/weight outside [1e-8, 10].
  updateRatioLow: 1e-8,
  updateRatioHigh: 10,
  // Loss spike: above mean + 6 std of the last 128 losses (OLMo-core's spike rule) and above 2x their mean (llm-foundry
  // KillLossSpike outlier_multiplier 2), on `patience` consecutive steps (llm-foundry); see docs/detectors.md.
  lossSpikeSigma: 6,
  lossSpikeRatio: 2,
  lossSpikeWindow: 128,
  // Gradlens, after PyTorch ReduceLROnPlateau (threshold_mode 'rel'): no 1% improvement of the running loss in 300 steps.
  plateauWindow: 300,
  plateauRelTol: 0.01,
  // Gradlens: >= 85% of consecutive loss differences change sign over 100 steps with no downward trend.
  oscillationWindow: 100,
  oscillationFrac: 0.85,
  warmupSteps: 20,
  patience: 3,
});

/** The thresholds of a run: defaults overridden by the user's settings (unknown or non-finite values ignored). */
export function resolveThresholds(overrides?: Partial<DetectorThresholds>): DetectorThresholds {
  const out: DetectorThresholds = { ...DEFAULT_THRESHOLDS };
  if (!overrides) return out;
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as (keyof DetectorThresholds)[]) {
    const v = overrides[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}
