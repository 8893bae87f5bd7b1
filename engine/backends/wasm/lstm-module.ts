// The LSTM and GRU cells' gate arithmetic as v128 loops (PyTorch's gate orders: LSTM i, f, g, o in rows of 4H gate
// values; GRU r, z, n in rows of 3H; state rows of H). The recurrent matmuls stay in the GEMM; these replace the
// per-element JavaScript loops, whose exp and tanh calls were three quarters of an LSTM training step. The LSTM
// loops take two vectors of a row per iteration and evaluate their activations as interleaved chains
// (emitActivations): at 64 x 128 cells, lstmCell 102-108 -> 77-87 us and lstmCellGrad 47-52 -> 37-44 us a call on one
// thread (CPU time, best of 7 x 500 calls, 2026-12-07), the same bits (hashed over random and special inputs:
// NaN, ±Inf, ±0, subnormals, the clamp and tanh-branch edges). One vector with its four gates interleaved did not
// gain (104-107 us), three or four vectors gained no more than two.
import { Fn } from './emitter';
import { chainLocals, emitActivations, emitSigmoid, emitTanh, mathLocals, type Activation } from './simd-math';

/** The loop position the kernels walk: row r, byte j within a cell row, and hb = H*4 bytes. */
interface Cursor {
  r: number;
  j: number;
  hb: number;
  /** Byte offset of this vector in the gate rows (gates*H wide) and in the cell rows (H wide). */
  g0: number;
  c0: number;
}

/**
 * Declares the cursor's locals, sets hb, and runs body(at, 1) once per vector of every row; gate rows hold `gates`
 * blocks. With `vectors` > 1, body(at, vectors) runs once per `vectors` adjacent vectors of a row (the body handles
 * vector v at byte offset 16*v from the cursor), then body(at, 1) for each vector left over at the row's end.
 */
function forEachVector(f: Fn, rows: number, hidden: number, gates: number, body: (at: Cursor, count: number) => void, vectors = 1): void {
  const at: Cursor = { r: f.local('i32'), j: f.local('i32'), hb: f.local('i32'), g0: f.local('i32'), c0: f.local('i32') };
  const step = (count: number) => (): void => {
    f.get(at.r).get(at.hb).i32(gates).i32Mul().i32Mul().get(at.j).i32Add().set(at.g0);
    f.get(at.r).get(at.hb).i32Mul().get(at.j).i32Add().set(at.c0);
    body(at, count);
  };
  f.get(hidden).i32(4).i32Mul().set(at.hb);
  f.forRange(at.r, () => f.i32(0), () => f.get(rows), 1, () => {
    if (vectors === 1) {
      f.forRange(at.j, () => f.i32(0), () => f.get(at.hb), 16, step(1));
      return;
    }
    // Groups while a whole group remains (j < hb - 16*(vectors-1)), then single vectors from where they stopped.
    f.forRange(at.j, () => f.i32(0), () => f.get(at.hb).i32(16 * (vectors - 1)).i32Sub(), 16 * vectors, step(vectors));
    f.forRange(at.j, () => f.get(at.j), () => f.get(at.hb), 16, step(1));
  });
}

/** Pushes the address of gate `gate`'s vector (LSTM 0-3: i, f, g, o; GRU 0-2: r, z, n) in the gate rows at `base`. */
function gateAddr(f: Fn, at: Cursor, base: number, gate: number): void {
  f.get(base).get(at.g0).i32Add();
  if (gate > 0) f.get(at.hb).i32(gate).i32Mul().i32Add();
}

/**
 * lstmCell(xp, hp, cPrev, gates, cOut, hOut, rows, hidden): per row, pre = xp + hp [4H]; gates = (sigmoid(i),
 * sigmoid(f), tanh(g), sigmoid(o)); c = f*cPrev + i*g; h = o*tanh(c). hidden is a multiple of 4.
 * Two vectors of a row at a time: their eight gate activations run as interleaved chains, then their two tanh(c)
 * (emitActivations), so the CPU overlaps ten dependent exp chains instead of running one or two at a time (each
 * element's operations are the same as one vector alone, so the bits are too).
 */
export function lstmCellFn(): Fn {
  const f = new Fn('lstmCell', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [XP, HP, CP, GT, CO, HO, rows, hidden] = [0, 1, 2, 3, 4, 5, 6, 7];
  const l = mathLocals(f);
  const V = 2;
  /** Per vector: the four gates (pre-activation, then activation, in place), c, then tanh(c); their chains. */
  const lanes = Array.from({ length: V }, () => ({
    gate: [0, 1, 2, 3].map(() => f.local('v128')),
    c: f.local('v128'),
    tc: f.local('v128'),
    chains: [0, 1, 2, 3].map(() => chainLocals(f)),
  }));
  const acts: Activation[] = ['sigmoid', 'sigmoid', 'tanh', 'sigmoid'];
  forEachVector(f, rows, hidden, 4, (at, count) => {
    const ls = lanes.slice(0, count);
    const c0 = at.c0;
    ls.forEach((lane, v) => lane.gate.forEach((g, gate) => {
      gateAddr(f, at, XP, gate);
      f.v128Load(16 * v);
      gateAddr(f, at, HP, gate);
      f.v128Load(16 * v).f32x4Add().set(g);
    }));
    const all = ls.flatMap((lane) => lane.gate);
    emitActivations(f, l, ls.flatMap((lane) => lane.chains), ls.flatMap(() => acts), all, all);
    ls.forEach((lane, v) => {
      const [gi, gf, gg] = lane.gate;
      lane.gate.forEach((g, gate) => {
        gateAddr(f, at, GT, gate);
        f.get(g).v128Store(16 * v);
      });
      f.get(gf).get(CP).get(c0).i32Add().v128Load(16 * v).f32x4Mul().get(gi).get(gg).f32x4Mul().f32x4Add().set(lane.c);
      f.get(CO).get(c0).i32Add().get(lane.c).v128Store(16 * v);
    });
    emitActivations(f, l, ls.map((lane) => lane.chains[0]), ls.map(() => 'tanh'), ls.map((lane) => lane.c), ls.map((lane) => lane.tc));
    ls.forEach((lane, v) => {
      f.get(HO).get(c0).i32Add().get(lane.gate[3]).get(lane.tc).f32x4Mul().v128Store(16 * v);
    });
  }, V);
  return f;
}

/**
 * lstmCellGrad(gOut, dhRec, dcIn, gates, cPrev, c, dGates, dcOut, rows, hidden): with dh = gOut + dhRec and
 * tc = tanh(c): dc = dcIn + dh*o*(1 - tc^2); dGates = (dc*g*i*(1-i), dc*cPrev*f*(1-f), dc*i*(1-g^2),
 * dh*tc*o*(1-o)), the gradients of the pre-activations; dcOut = dc*f. hidden is a multiple of 4. Two vectors at a
 * time, their tanh(c) as two interleaved chains (as lstmCell).
 */
export function lstmCellGradFn(): Fn {
  const f = new Fn('lstmCellGrad', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [GO, DH, DC, GT, CP, C, DG, DCO, rows, hidden] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const l = mathLocals(f);
  const one = f.local('v128');
  const V = 2;
  /** Per vector: the gates i, f, g, o, dh, c then tanh(c) in place, dc, and its tanh chain. */
  const lanes = Array.from({ length: V }, () => ({
    gate: [0, 1, 2, 3].map(() => f.local('v128')),
    dh: f.local('v128'),
    tc: f.local('v128'),
    dc: f.local('v128'),
    chain: chainLocals(f),
  }));
  f.f32x4Const(1).set(one);
  forEachVector(f, rows, hidden, 4, (at, count) => {
    const ls = lanes.slice(0, count);
    const c0 = at.c0;
    ls.forEach((lane, v) => {
      lane.gate.forEach((g, gate) => {
        gateAddr(f, at, GT, gate);
        f.v128Load(16 * v).set(g);
      });
      f.get(GO).get(c0).i32Add().v128Load(16 * v).get(DH).get(c0).i32Add().v128Load(16 * v).f32x4Add().set(lane.dh);
      f.get(C).get(c0).i32Add().v128Load(16 * v).set(lane.tc);
    });
    emitActivations(f, l, ls.map((lane) => lane.chain), ls.map(() => 'tanh'), ls.map((lane) => lane.tc), ls.map((lane) => lane.tc));
    ls.forEach((lane, v) => {
      const [vi, vf, vg, vo] = lane.gate;
      const { dh, tc, dc } = lane;
      f.get(DC).get(c0).i32Add().v128Load(16 * v);
      f.get(dh).get(vo).f32x4Mul().get(one).get(tc).get(tc).f32x4Mul().f32x4Sub().f32x4Mul().f32x4Add().set(dc);
      gateAddr(f, at, DG, 0);
      f.get(dc).get(vg).f32x4Mul().get(vi).f32x4Mul().get(one).get(vi).f32x4Sub().f32x4Mul().v128Store(16 * v);
      gateAddr(f, at, DG, 1);
      f.get(dc).get(CP).get(c0).i32Add().v128Load(16 * v).f32x4Mul().get(vf).f32x4Mul().get(one).get(vf).f32x4Sub().f32x4Mul().v128Store(16 * v);
      gateAddr(f, at, DG, 2);
      f.get(dc).get(vi).f32x4Mul().get(one).get(vg).get(vg).f32x4Mul().f32x4Sub().f32x4Mul().v128Store(16 * v);
      gateAddr(f, at, DG, 3);
      f.get(dh).get(tc).f32x4Mul().get(vo).f32x4Mul().get(one).get(vo).f32x4Sub().f32x4Mul().v128Store(16 * v);
      f.get(DCO).get(c0).i32Add().get(dc).get(vf).f32x4Mul().v128Store(16 * v);
    });
  }, V);
  return f;
}

/**
 * gruCell(xp, hp, hPrev, gates, hOut, rows, hidden): per row, r = sigmoid(xr + hr), z = sigmoid(xz + hz),
 * n = tanh(xn + r*hn) (hp holds W_hh h + b_hh), gates = (r, z, n); h = (1-z)*n + z*hPrev. hidden is a multiple of 4.
 */
export function gruCellFn(): Fn {
  const f = new Fn('gruCell', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [XP, HP, HPREV, GT, HO, rows, hidden] = [0, 1, 2, 3, 4, 5, 6];
  const l = mathLocals(f);
  const vr = f.local('v128'), vz = f.local('v128'), vn = f.local('v128'), one = f.local('v128');
  f.f32x4Const(1).set(one);
  forEachVector(f, rows, hidden, 3, (at) => {
    const load = (base: number, gate: number) => {
      gateAddr(f, at, base, gate);
      f.v128Load();
    };
    emitSigmoid(f, l, () => {
      load(XP, 0);
      load(HP, 0);
      f.f32x4Add();
    });
    f.set(vr);
    emitSigmoid(f, l, () => {
      load(XP, 1);
      load(HP, 1);
      f.f32x4Add();
    });
    f.set(vz);
    emitTanh(f, l, () => {
      load(XP, 2);
      f.get(vr);
      load(HP, 2);
      f.f32x4Mul().f32x4Add();
    });
    f.set(vn);
    [vr, vz, vn].forEach((v, gate) => {
      gateAddr(f, at, GT, gate);
      f.get(v).v128Store();
    });
    f.get(HO).get(at.c0).i32Add();
    f.get(one).get(vz).f32x4Sub().get(vn).f32x4Mul();
    f.get(vz).get(HPREV).get(at.c0).i32Add().v128Load().f32x4Mul().f32x4Add();
    f.v128Store();
  });
  return f;
}

/**
 * gruCellGrad(gOut, dhRec, gates, hn, hPrev, dX, dHp, dhDirect, rows, hidden): with dh = gOut + dhRec,
 * dn = dh*(1-z)*(1-n^2), dr = dn*hn*r*(1-r), dz = dh*(hPrev-n)*z*(1-z): dX = (dr, dz, dn), dHp = (dr, dz, dn*r),
 * dhDirect = dh*z. hidden is a multiple of 4.
 */
export function gruCellGradFn(): Fn {
  const f = new Fn('gruCellGrad', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [GO, DH, GT, HN, HPREV, DX, DHP, DD, rows, hidden] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const vr = f.local('v128'), vz = f.local('v128'), vn = f.local('v128'), dh = f.local('v128'), one = f.local('v128');
  const dn = f.local('v128'), dr = f.local('v128'), dz = f.local('v128');
  f.f32x4Const(1).set(one);
  forEachVector(f, rows, hidden, 3, (at) => {
    const cell = (base: number) => f.get(base).get(at.c0).i32Add();
    const gate = (base: number, g: number) => gateAddr(f, at, base, g);
    [vr, vz, vn].forEach((v, g) => {
      gate(GT, g);
      f.v128Load().set(v);
    });
    cell(GO).v128Load();
    cell(DH).v128Load().f32x4Add().set(dh);
    f.get(dh).get(one).get(vz).f32x4Sub().f32x4Mul().get(one).get(vn).get(vn).f32x4Mul().f32x4Sub().f32x4Mul().set(dn);
    f.get(dn);
    cell(HN).v128Load().f32x4Mul().get(vr).f32x4Mul().get(one).get(vr).f32x4Sub().f32x4Mul().set(dr);
    f.get(dh);
    cell(HPREV).v128Load().get(vn).f32x4Sub().f32x4Mul().get(vz).f32x4Mul().get(one).get(vz).f32x4Sub().f32x4Mul().set(dz);
    for (const out of [DX, DHP]) {
      gate(out, 0);
      f.get(dr).v128Store();
      gate(out, 1);
      f.get(dz).v128Store();
    }
    gate(DX, 2);
    f.get(dn).v128Store();
    gate(DHP, 2);
    f.get(dn).get(vr).f32x4Mul().v128Store();
    cell(DD);
    f.get(dh).get(vz).f32x4Mul().v128Store();
  });
  return f;
}
