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
  const vector = (at: number): void => {
    f.get(Y).get(off).i32Add();
    f.get(X).get(off).i32Add().v128Load(at).get(zero).f32x4Max();
    f.v128Store(at);
  };
  unrolled(f, off, count, vector);
  return f;
}

/**
 * `for` over the byte offsets of `count` floats (a multiple of 4), four vectors a step while 16 floats remain, then
 * one: with one vector a step the loop's own add, compare and branch dominate (one 512,000-float ReLU in the heap,
 * one thread: 154 us, four vectors a step 120 us; its gradient 103 and 85 us).
 */
function unrolled(f: Fn, off: number, count: number, vector: (at: number) => void): void {
  f.forRange(off, () => f.i32(0), () => f.get(count).i32(-16).i32And().i32(4).i32Mul(), 64, () => {
    for (let v = 0; v < 4; v++) vector(16 * v);
  });
  f.forRange(off, () => f.get(off), () => f.get(count).i32(4).i32Mul(), 16, () => vector(0));
}

/** reluGrad(x, dy, dx, count): dx = dy where x > 0, else +0 (torch's threshold_backward). count: multiple of 4. */
export function reluGradFn(): Fn {
  const f = new Fn('reluGrad', ['i32', 'i32', 'i32', 'i32']);
  const [X, DY, DX, count] = [0, 1, 2, 3];
  const off = f.local('i32'), zero = f.local('v128');
  f.v128Zero().set(zero);
  unrolled(f, off, count, (at) => {
    f.get(DX).get(off).i32Add();
    f.get(DY).get(off).i32Add().v128Load(at);
    f.get(X).get(off).i32Add().v128Load(at).get(zero).f32x4Gt();
    f.v128And().v128Store(at);
  });
  return f;
}
