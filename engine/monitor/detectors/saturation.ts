// Saturated tanh/sigmoid: inputs so large that the derivative is ~0 in float32, so nothing flows back through
// the layer. SageMaker Debugger's saturated_activation thresholds (stated on the nonlinearity's input).
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, layerRef, Latch, statsById, type Detector, type StepSample } from '../detector';

const HINT =
  'Normalise the inputs, use a smaller (Xavier) initialisation or a lower learning rate, or add BatchNorm before the nonlinearity.';

export class SaturationDetector implements Detector {
  readonly kind = 'saturation' as const;
  private readonly latch = new Latch();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    if (!sample.stats) return [];
    const out: Anomaly[] = [];
    const byId = statsById(sample.stats);
    for (const meta of sample.layers) {
      if (meta.type !== 'Tanh' && meta.type !== 'Sigmoid') continue;
      const sat = byId.get(meta.id)?.act?.satFrac;
      if (sat === undefined) continue;
      const range = meta.type === 'Tanh' ? `outside +-${th.tanhSaturation}` : `outside (${th.sigmoidLow}, ${th.sigmoidHigh})`;
      const rule: DetectorRule = {
        id: 'sagemaker.saturation',
        description: `More than saturationFrac of the ${meta.type} layer's inputs are ${range}.`,
        thresholds:
          meta.type === 'Tanh'
            ? { tanhSaturation: th.tanhSaturation, saturationFrac: th.saturationFrac }
            : { sigmoidLow: th.sigmoidLow, sigmoidHigh: th.sigmoidHigh, saturationFrac: th.saturationFrac },
        source: 'SageMaker Debugger saturated_activation; TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022)',
      };
      if (this.latch.update(meta.id, sat > th.saturationFrac, th.patience)) {
        out.push(
          anomaly(this.kind, sample, rule, {
            layer: layerRef(meta),
            evidence: { satFrac: sat },
            message: `Saturated ${meta.type} in ${meta.name}: ${fmt(sat * 100)}% of its inputs are ${range}`,
            hint: HINT,
          }),
        );
      }
    }
    return out;
  }
}
