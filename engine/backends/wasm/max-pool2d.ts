// MaxPool2D in wasm (torch's tie and NaN rules, like the reference); large inputs are split by planes over the
// two threads, each plane written by one thread.
import type { Pool2DAttrs } from '../../kernels/kernel-map';
import { maxPool2dBackward as cpuMaxPool2dBackward } from '../cpu/max-pool2d';
import type { Call } from './threads';
import type { WasmRuntime } from './runtime';

/** Input elements; below this one thread finishes before a sleeping helper would wake. */
const SPLIT_MIN = 1 << 19;

/**
 * Runs `part` over planes [0, planes): on two threads, half the planes each, when they hold enough input
 * (`planeInputs` elements per plane). Each plane's outputs are written by one thread only: deterministic.
 */
function runByPlanes(rt: WasmRuntime, planes: number, planeInputs: number, part: (p0: number, p1: number) => Call[]): void {
  rt.runParts(rt.halves(planes, planes * planeInputs, SPLIT_MIN).map(([p0, p1]) => part(p0, p1)));
}

export function makeMaxPool2D(rt: WasmRuntime) {
  return function maxPool2d(x: Float32Array, at: Pool2DAttrs): { y: Float32Array; argmax: Int32Array } {
    const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, outH, outW } = at;
    const planes = n * c;
    const outPlane = outH * outW;
    const heap = rt.heap;
    heap.reset();
    const xAddr = heap.use(x.subarray(0, planes * h * w));
    const yAddr = heap.alloc(planes * outPlane);
    const aAddr = heap.alloc(planes * outPlane);
    // Unpadded 2x2 and 3x3 windows (nearly every CNN) have an unrolled version; 2x2 with stride 2 a vector one
    // when the output rows are whole vectors and every window lies inside the input (not so with ceil_mode).
    const unpadded = padH === 0 && padW === 0;
    const vec = unpadded && kh === 2 && kw === 2 && strideH === 2 && strideW === 2 && outW % 4 === 0 && 2 * outW <= w && 2 * outH <= h;
    const unrolled = unpadded && kh === kw && (kh === 2 || kh === 3);
    const fn = rt.fn(vec ? 'maxPool2x2Vec' : unrolled ? `maxPool${kh}x${kw}` : 'maxPool');
    const part = (p0: number, p1: number): Call[] => {
      const head = [xAddr + p0 * h * w * 4, yAddr + p0 * outPlane * 4, aAddr + p0 * outPlane * 4, p1 - p0, h, w];
      if (vec) return [[fn, [...head, outH, outW]]];
      return [[fn, unrolled ? [...head, strideH, strideW, outH, outW] : [...head, kh, kw, strideH, strideW, padH, padW, outH, outW]]];
    };
    runByPlanes(rt, planes, h * w, part);
    const y = heap.copyOut(yAddr, planes * outPlane);
    const argmax = new Int32Array(heap.f32.buffer, aAddr, planes * outPlane).slice();
    return { y, argmax };
  };
}

/** Below this many output gradients the reference scatter finishes before the copies into the heap would. */
const BACK_SMALL = 1024;

export function makeMaxPool2DBackward(rt: WasmRuntime) {
  const fn = rt.fn('maxPoolBack');
  const tiled = rt.fn('maxPoolBack2x2');
  return function maxPool2dBackward(dy: Float32Array, argmax: Int32Array, at: Pool2DAttrs): Float32Array {
    const planes = at.n * at.c;
    const inPlane = at.h * at.w;
    const outPlane = at.outH * at.outW;
    const count = planes * outPlane;
    if (dy.length < count || argmax.length < count) throw new Error(`MaxPool2DBackward: dy and argmax need ${count} elements.`);
    if (count < BACK_SMALL) return cpuMaxPool2dBackward(dy, argmax, at);
    const heap = rt.heap;
    heap.reset();
    const dyAddr = heap.use(dy.subarray(0, count));
    const aAddr = heap.alloc(count);
    new Int32Array(heap.f32.buffer, aAddr, count).set(argmax.subarray(0, count));
    const gxAddr = heap.result(planes * inPlane);
    // 2x2 windows of stride 2 that tile the plane (nearly every CNN's pooling): a vector gather, no scatter.
    const gather = at.kh === 2 && at.kw === 2 && at.strideH === 2 && at.strideW === 2 && at.padH === 0 && at.padW === 0 && at.h === 2 * at.outH && at.w === 2 * at.outW && at.outW % 4 === 0;
    runByPlanes(rt, planes, inPlane, (p0, p1) => [
      gather
        ? [tiled, [dyAddr + p0 * outPlane * 4, aAddr + p0 * outPlane * 4, gxAddr + p0 * inPlane * 4, p1 - p0, at.w, at.outH, at.outW]]
        : [fn, [dyAddr + p0 * outPlane * 4, aAddr + p0 * outPlane * 4, gxAddr + p0 * inPlane * 4, p1 - p0, inPlane, outPlane]],
    ]);
    return heap.deliver(gxAddr, planes * inPlane);
  };
}
