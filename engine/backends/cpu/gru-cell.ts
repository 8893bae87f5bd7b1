// The reference GRU cell (PyTorch's equations, gate order r, z, n), in float64 arithmetic rounded at each store.
import { intoTarget, type GruCellAttrs, type GruCellGradInputs, type GruCellGradOut, type GruCellOut, type Into } from '../../kernels/kernel-map';
import { sigmoid } from './activation';
import { checkLengths } from './lstm-cell';

export function gruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, at: GruCellAttrs & Into<GruCellOut>): GruCellOut {
  checkLengths('GruCell', at, 3, [xp, hp], [hPrev]);
  const { batch: B, hidden: H } = at;
  const gates = intoTarget(at.into?.gates, B * 3 * H, 'GruCell gates') ?? new Float32Array(B * 3 * H);
  const h = intoTarget(at.into?.h, B * H, 'GruCell h') ?? new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const q = g0 + j;
      const r = sigmoid(xp[q] + hp[q]);
      const z = sigmoid(xp[q + H] + hp[q + H]);
      const n = Math.tanh(xp[q + 2 * H] + r * hp[q + 2 * H]);
      gates[q] = r;
      gates[q + H] = z;
      gates[q + 2 * H] = n;
      const k = b * H + j;
      h[k] = (1 - z) * n + z * hPrev[k];
    }
  }
  return { gates, h };
}

export function gruCellGrad(inputs: GruCellGradInputs, at: GruCellAttrs & Into<GruCellGradOut>): GruCellGradOut {
  const { gOut, dhRec, gates, hn, hPrev } = inputs;
  checkLengths('GruCellGrad', at, 3, [gates], [gOut, dhRec, hn, hPrev]);
  const { batch: B, hidden: H } = at;
  const dX = intoTarget(at.into?.dX, B * 3 * H, 'GruCellGrad dX') ?? new Float32Array(B * 3 * H);
  const dHp = intoTarget(at.into?.dHp, B * 3 * H, 'GruCellGrad dHp') ?? new Float32Array(B * 3 * H);
  const dhDirect = intoTarget(at.into?.dhDirect, B * H, 'GruCellGrad dhDirect') ?? new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const q = b * 3 * H + j;
      const dh = gOut[k] + dhRec[k];
      const r = gates[q], z = gates[q + H], n = gates[q + 2 * H];
      // h = (1-z)*n + z*hPrev, n = tanh(an), an = xn + r*hn.
      const dan = dh * (1 - z) * (1 - n * n);
      const dar = dan * hn[k] * r * (1 - r);
      const daz = dh * (hPrev[k] - n) * z * (1 - z);
      dX[q] = dHp[q] = dar;
      dX[q + H] = dHp[q + H] = daz;
      dX[q + 2 * H] = dan;
      dHp[q + 2 * H] = dan * r;
      dhDirect[k] = dh * z;
    }
  }
  return { dX, dHp, dhDirect };
}
