// The detectors of a run, fed one StepSample per step. Owns the current thresholds (they change while the run
// goes on: setThresholds, anomaly breakpoints with their own threshold).
import type { Anomaly, AnomalyKind, DetectorThresholds } from '../../protocol/messages';
import { resolveThresholds } from '../../protocol/thresholds';
import type { Detector, StepSample } from './detector';
import { DeadReluDetector } from './detectors/dead-relu';
import { ExplodingGradientDetector } from './detectors/exploding-gradient';
import { LossPlateauDetector } from './detectors/loss-plateau';
import { LossSpikeDetector } from './detectors/loss-spike';
import { NonFiniteDetector } from './detectors/non-finite';
import { OscillationDetector } from './detectors/oscillation';
import { SaturationDetector } from './detectors/saturation';
import { UpdateRatioDetector } from './detectors/update-ratio';
import { VanishingGradientDetector } from './detectors/vanishing-gradient';

/** The threshold an anomaly breakpoint's `threshold` overrides, per kind (absent: the kind has none). */
export const MAIN_THRESHOLD: Partial<Record<AnomalyKind, keyof DetectorThresholds>> = {
  vanishingGradient: 'vanishingRatio',
  explodingGradient: 'explodingRatio',
  deadRelu: 'deadLayerFrac',
  saturation: 'saturationFrac',
  lossSpike: 'lossSpikeRatio',
  lossPlateau: 'plateauRelTol',
  oscillation: 'oscillationFrac',
  updateRatio: 'updateRatioHigh',
};

export function createDetectors(): Detector[] {
  return [
    new NonFiniteDetector(),
    new VanishingGradientDetector(),
    new ExplodingGradientDetector(),
    new DeadReluDetector(),
    new SaturationDetector(),
    new UpdateRatioDetector(),
    new LossSpikeDetector(),
    new LossPlateauDetector(),
    new OscillationDetector(),
  ];
}

export class Monitor {
  private thresholds: DetectorThresholds;
  private readonly detectors = createDetectors();

  constructor(overrides?: Partial<DetectorThresholds>) {
    this.thresholds = resolveThresholds(overrides);
  }

  get current(): DetectorThresholds {
    return this.thresholds;
  }

  setThresholds(overrides: Partial<DetectorThresholds>): void {
    this.thresholds = resolveThresholds({ ...this.thresholds, ...overrides });
  }

  observe(sample: StepSample): Anomaly[] {
    const out: Anomaly[] = [];
    for (const d of this.detectors) for (const a of d.observe(sample, this.thresholds)) out.push(a);
    return out;
  }
}
