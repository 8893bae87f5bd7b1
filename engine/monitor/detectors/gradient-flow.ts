// Shared by the vanishing and exploding detectors: the layers that own gradients, in forward order, with their
// gradient norms. AUTOTRAINER compares the first such layer (nearest the input) with the last one.
import type { LayerStats } from '../../../protocol/messages';
import type { LayerMeta, StepSample } from '../detector';
import { statsById } from '../detector';

export interface GradLayer {
  meta: LayerMeta;
  stats: LayerStats;
  norm: number;
}

export function gradientLayers(sample: StepSample): GradLayer[] {
  if (!sample.stats) return [];
  const byId = statsById(sample.stats);
  const out: GradLayer[] = [];
  for (const meta of sample.layers) {
    const s = byId.get(meta.id);
    if (s && s.gradNorm !== undefined && Number.isFinite(s.gradNorm)) out.push({ meta, stats: s, norm: s.gradNorm });
  }
  return out;
}
