// What one heatmap cell holds, as the tooltip (mouse or keyboard cursor) reads it out: the layer, the steps its
// samples cover (and when the next statistics came: they thin out as a run goes on), the value(s) and the anomalies
// that fired there.
import { fmtNum, shortLocation } from '../format';
import type { MetricDef } from '../metrics';
import type { RunStore } from '../store';
import type { StepRaster } from './stepRaster';

export function cellLines(store: RunStore, raster: StepRaster, def: MetricDef, r: number, px: number): string[] {
  const row = store.rows[r];
  const a = raster.first[px];
  const z = raster.last[px];
  const s0 = store.statSteps.get(a);
  const s1 = store.statSteps.get(z);
  const next = z + 1 < store.statSteps.length ? store.statSteps.get(z + 1) : s1 + 1;
  const lo = raster.min[r][px];
  const hi = raster.max[r][px];
  const steps =
    a === z ? `step ${s0}${next > s0 + 1 ? ` (next statistics at step ${next})` : ''}` : `steps ${s0}–${s1} (${z - a + 1} samples)`;
  const lines = [
    `${row.id} ${row.name}${row.source ? `  (${shortLocation(row.source)})` : ''}`,
    steps,
    a === z || lo === hi ? `${def.label}: ${fmtNum(hi)}` : `${def.label}: max ${fmtNum(hi)}, min ${fmtNum(lo)}`,
  ];
  if (def.id === 'gradNorm' && row.paramCount === 0) lines.push('(gradient of the layer output: no parameters)');
  const inCell = store.anomalies.filter((an) => an.layer?.id === row.id && an.step >= s0 && an.step < next);
  for (const an of inCell.slice(0, 3)) lines.push(`⚠ ${an.message}`);
  return lines;
}
