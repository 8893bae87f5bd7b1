// tanh and sigmoid and their backward as v128 loops, on the same Cephes-style exp and tanh as the recurrent cells
// (simd-math.ts). The backward is PyTorch's float32 arithmetic: dy * (1 - y*y) and dy * (1 - y) * y, plain mul and
// sub (no relaxed FMA), so results are the same on every CPU.
import type { ActivationFn } from '../../kernels/kernel-map';
import { Fn } from './emitter';
import { emitSigmoid, emitTanh, mathLocals } from './simd-math';

/** The export names: `tanh` and `sigmoid`, and their backward `tanhGrad` and `sigmoidGrad`. */
export const activationExport = (fn: ActivationFn, grad = false): string => (grad ? `${fn}Grad` : fn);

/** tanh(x, y, count) / sigmoid(x, y, count): y = fn(x) elementwise; count is a multiple of 4. */
export function activationFn(fn: ActivationFn): Fn {
  const f = new Fn(activationExport(fn), ['i32', 'i32', 'i32']);
  const [X, Y, count] = [0, 1, 2];
  const l = mathLocals(f);
  const off = f.local('i32');
  const emit = fn === 'tanh' ? emitTanh : emitSigmoid;
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(Y).get(off).i32Add();
    emit(f, l, () => f.get(X).get(off).i32Add().v128Load());
    f.v128Store();
  });
  return f;
}

/** tanhGrad(y, dy, dx, count) / sigmoidGrad(y, dy, dx, count): the backward from the forward's y. */
export function activationGradFn(fn: ActivationFn): Fn {
  const f = new Fn(activationExport(fn, true), ['i32', 'i32', 'i32', 'i32']);
  const [Y, DY, DX, count] = [0, 1, 2, 3];
  const off = f.local('i32'), one = f.local('v128'), y = f.local('v128');
  f.f32x4Const(1).set(one);
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(DX).get(off).i32Add();
    f.get(Y).get(off).i32Add().v128Load().set(y);
    f.get(DY).get(off).i32Add().v128Load();
    if (fn === 'tanh') f.get(one).get(y).get(y).f32x4Mul().f32x4Sub().f32x4Mul();
    else f.get(one).get(y).f32x4Sub().f32x4Mul().get(y).f32x4Mul();
    f.v128Store();
  });
  return f;
}
