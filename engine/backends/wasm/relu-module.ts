// ReLU and its backward as v128 loops (tanh and sigmoid are in activation-module.ts).
import { Fn } from './emitter';

/**
 * relu(x, y, count): y = max(x, 0) with wasm's max, which is torch's relu exactly: NaN stays NaN, -0 becomes +0.
 * count is a multiple of 4.
 */
export function reluFn(): Fn {
  const f = new Fn('relu', ['i32', 'i32', 'i32']);
  const [X, Y, count] = [0, 1, 2];
  const off = f.local('i32'), zero = f.local('v128');
  f.v128Zero().set(zero);
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(Y).get(off).i32Add();
    f.get(X).get(off).i32Add().v128Load().get(zero).f32x4Max();
    f.v128Store();
  });
  return f;
}

/** reluGrad(x, dy, dx, count): dx = dy where x > 0, else +0 (torch's threshold_backward). count: multiple of 4. */
export function reluGradFn(): Fn {
  const f = new Fn('reluGrad', ['i32', 'i32', 'i32', 'i32']);
  const [X, DY, DX, count] = [0, 1, 2, 3];
  const off = f.local('i32'), zero = f.local('v128');
  f.v128Zero().set(zero);
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(4).i32Mul(), 16, () => {
    f.get(DX).get(off).i32Add();
    f.get(DY).get(off).i32Add().v128Load();
    f.get(X).get(off).i32Add().v128Load().get(zero).f32x4Gt();
    f.v128And().v128Store();
  });
  return f;
}
