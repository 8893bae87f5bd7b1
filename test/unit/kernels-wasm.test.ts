// The WebAssembly backend against the float64 reference (shared suite), on one and two threads, plus
// run-to-run bit identity and agreement between the 1- and 2-thread work splits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWasmBackend, type WasmBackend } from '../../engine/backends/wasm';
import { spawnSync } from 'node:child_process';
import { relaxedSimdAvailable } from '../../engine/backends/wasm/kernels-module';
import type { BiasGradAttrs } from '../../engine/kernels/kernel-map';
import { cpuBackend } from '../../engine/backends/cpu';
import { kernelSuite } from './kernels-suite';
import { closeness, convAttrs, naiveBiasGrad, naiveMatMul, randArray } from './kernels-reference';
import { knownFinite, markFinite } from '../../engine/finite';
import { WasmRuntime, kernelVariant } from '../../engine/backends/wasm/runtime';
import { makeMatMul } from '../../engine/backends/wasm/matmul';
import { gemm, padCols, padRows } from '../../engine/backends/wasm/gemm';
import { directConv2D, directConv2DBackpropFilter, directConv2DBackpropInput } from '../../engine/backends/wasm/conv-direct';

// Run with GRADLENS_TEST_FMA=1 (and relaxed SIMD available) this file tests only the FMA kernel variant.
const fmaOnly = process.env.GRADLENS_TEST_FMA === '1';

let one: WasmBackend;
let two: WasmBackend;
before(async () => {
  one = await createWasmBackend({ threads: 1, fma: fmaOnly || undefined });
  two = await createWasmBackend({ threads: 2, fma: fmaOnly || undefined });
});
after(async () => {
  await one.dispose();
  await two.dispose();
});

// float32 GEMM sums in a different order than the float64 loop: allow a few ulps of the largest partial sums.
const tol = { rtol: 2e-5, atol: 2e-5 };
kernelSuite('wasm 1 thread', () => one, tol);
kernelSuite('wasm 2 threads', () => two, tol);

test('wasm: the helper thread started', () => assert.equal(two.info.threads, 2));

test('wasm: the register tile is 4x8 on every Node version, FMA or not (6x8 spills on Node 22 and runs at half speed)', () => {
  assert.deepEqual([kernelVariant(true).mr, kernelVariant(false).mr, one.info.variant.mr], [4, 4, 4]);
});

test('wasm: the FMA variant is the one under test', { skip: !fmaOnly }, () => {
  assert.ok(one.info.variant.fma && two.info.variant.fma);
});

test('wasm: the FMA variant passes the suite (in a child with relaxed SIMD enabled)', { skip: fmaOnly }, (t) => {
  if (relaxedSimdAvailable()) {
    assert.ok(one.info.variant.fma, 'relaxed SIMD is available, so FMA should be picked');
    return;
  }
  if (Number(process.versions.node.split('.')[0]) >= 22) return t.skip('relaxed SIMD unavailable on this runtime');
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--test', __filename], {
    // NODE_TEST_CONTEXT would make the child report to this runner in its binary format instead of TAP.
    env: { ...process.env, GRADLENS_TEST_FMA: '1', NODE_TEST_CONTEXT: undefined },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
  assert.match(r.stdout, /# pass [1-9]/);
});

test('wasm: large conv (threaded im2col/col2im) matches the reference and is identical on 1 and 2 threads', () => {
  const at = convAttrs({ n: 8, cIn: 6, h: 20, w: 20, cOut: 12, kh: 3, kw: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 2 });
  const x = randArray(at.n * at.cIn * at.h * at.w, 11);
  const w = randArray((at.cOut * at.cIn * at.kh * at.kw) / at.groups, 12);
  const dy = randArray(at.n * at.cOut * at.outH * at.outW, 13);
  const runs = [one, two].map((b) => [
    b.kernels.Conv2D!(x, w, null, at),
    b.kernels.Conv2DBackpropInput!(dy, w, at),
    b.kernels.Conv2DBackpropFilter!(x, dy, at),
  ]);
  const ref = [cpuBackend.kernels.Conv2D!(x, w, null, at), cpuBackend.kernels.Conv2DBackpropInput!(dy, w, at), cpuBackend.kernels.Conv2DBackpropFilter!(x, dy, at)];
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(runs[1][i], runs[0][i]);
    assert.ok(closeness(runs[0][i], ref[i], 1e-4, 1e-4) <= 1, `kernel ${i} differs from the reference`);
  }
});

test('wasm: large MatMul, split over two threads, is bit-identical run to run and to one thread', () => {
  const at = { m: 150, k: 700, n: 190, transA: false, transB: true };
  const a = randArray(at.m * at.k, 1);
  const b = randArray(at.k * at.n, 2);
  const r1 = two.kernels.MatMul!(a, b, at);
  const r2 = two.kernels.MatMul!(a, b, at);
  assert.deepEqual(r1, r2);
  assert.deepEqual(one.kernels.MatMul!(a, b, at), r1);
});

test('wasm: large BiasGrads, split over two threads by columns or planes, match the reference and give the bits of one thread', () => {
  const cases: BiasGradAttrs[] = [
    { outer: 1792, channels: 512, inner: 1 },
    { outer: 1000, channels: 130, inner: 1 },
    { outer: 64, channels: 20, inner: 400 },
    { outer: 33, channels: 7, inner: 301 },
  ];
  cases.forEach((at, i) => {
    const g = randArray(at.outer * at.channels * at.inner, 160 + i);
    const split = two.kernels.BiasGrad!(g, at);
    // Float32 partial sums of up to 256 terms: the absolute error grows with the terms summed, not with the result.
    assert.ok(closeness(split, naiveBiasGrad(g, at), tol.rtol, 2e-6 * at.outer * at.inner) <= 1, `BiasGrad ${JSON.stringify(at)}`);
    assert.deepEqual(split, one.kernels.BiasGrad!(g, at), `BiasGrad ${JSON.stringify(at)}: two threads and one`);
  });
});

test('wasm: split MatMuls with a bias match the reference on two threads (each chunk adds into C: one run twice or skipped would show)', () => {
  const cases = [
    { m: 200, k: 300, n: 100, transA: false, transB: true }, // column chunks sharing A packed once
    { m: 1000, k: 300, n: 16, transA: false, transB: false }, // row chunks sharing B packed once
  ];
  cases.forEach((at, i) => {
    const a = randArray(at.m * at.k, 40 + i);
    const b = randArray(at.k * at.n, 50 + i);
    const bias = randArray(at.n, 60 + i);
    const want = naiveMatMul(a, b, at).map((v, j) => v + bias[j % at.n]);
    const got = two.kernels.MatMul!(a, b, { ...at, bias });
    assert.ok(closeness(got, want, tol.rtol, tol.atol) <= 1, `split MatMul+bias ${JSON.stringify(at)}`);
    assert.deepEqual(got, one.kernels.MatMul!(a, b, { ...at, bias }));
  });
});

test('wasm: GEMM plans are reused by shape and address, never by value: repeated calls over resident operands see new values, and calls differing only in transposes or a bias get their own plans', () => {
  for (const b of [one, two]) {
    // 128x256x128 is above the two-thread split threshold; 20x30x40 below it.
    for (const [m, k, n] of [[128, 256, 128], [20, 30, 40]]) {
      const a = b.resident!(m * k);
      const w = b.resident!(k * n);
      const bias = b.resident!(n);
      for (let round = 0; round < 3; round++) {
        a.set(randArray(m * k, 70 + round));
        w.set(randArray(k * n, 80 + round));
        bias.set(randArray(n, 90 + round));
        for (const transB of [false, true]) {
          for (const withBias of [false, true]) {
            const at = { m, k, n, transA: false, transB };
            const plain = naiveMatMul(a, w, at);
            const want = withBias ? plain.map((v, j) => v + bias[j % n]) : plain;
            const got = b.kernels.MatMul!(a, w, withBias ? { ...at, bias } : at);
            assert.ok(closeness(got, want, tol.rtol, tol.atol) <= 1, `round ${round} ${m}x${k}x${n} transB=${transB} bias=${withBias}`);
          }
        }
      }
    }
  }
});

test('wasm: tall narrow MatMul (row split) and large Adam agree across thread counts', () => {
  const at = { m: 900, k: 300, n: 10, transA: true, transB: false };
  const a = randArray(at.m * at.k, 3);
  const b = randArray(at.k * at.n, 4);
  assert.deepEqual(two.kernels.MatMul!(a, b, at), one.kernels.MatMul!(a, b, at));
  const len = 100003;
  const state = (): Float32Array[] => [randArray(len, 5), randArray(len, 6), randArray(len, 7, 0.1), randArray(len, 8, 0.1).map(Math.abs)];
  const [p1, g1, m1, v1] = state();
  const [p2, g2, m2, v2] = state();
  const at2 = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, step: 5 };
  one.kernels.AdamUpdate!(p1, g1, m1, v1, null, at2);
  two.kernels.AdamUpdate!(p2, g2, m2, v2, null, at2);
  assert.deepEqual(p1, p2);
  assert.deepEqual(v1, v2);
});

test('wasm: a tall, narrow MatMul (computed as its transpose, then transposed into place) has the bits of the direct GEMM, on one and two threads', async () => {
  for (const threads of [1, 2]) {
    const rt = await WasmRuntime.create({ threads, fma: fmaOnly || undefined });
    try {
      const matMul = makeMatMul(rt);
      for (const [transA, transB] of [[true, false], [false, false], [false, true]]) {
        // The LSTM's input-weight gradient is [512, 28] over k = 1792; a shorter k keeps the test quick.
        const at = { m: 512, k: 300, n: 28, transA, transB };
        const { m, k, n } = at;
        const a = randArray(m * k, 11), b = randArray(k * n, 12);
        const got = matMul(a, b, at).slice();
        assert.ok(knownFinite(matMul(a, b, at)), 'a finite product is marked');
        // The same product in its own orientation, through the GEMM driver.
        const heap = rt.heap;
        heap.reset();
        const aAt = heap.use(a), bAt = heap.use(b);
        const ldc = padCols(n);
        const c = heap.alloc(padRows(rt, m) * ldc);
        gemm(rt, m, n, k, transA ? { addr: aAt, s0: 1, s1: m } : { addr: aAt, s0: k, s1: 1 }, transB ? { addr: bAt, s0: 1, s1: k } : { addr: bAt, s0: n, s1: 1 }, { addr: c, ldc });
        const want = new Float32Array(m * n);
        for (let i = 0; i < m; i++) want.set(heap.f32.subarray((c >> 2) + i * ldc, (c >> 2) + i * ldc + n), i * n);
        const what = `${threads} thread(s), transA ${transA}, transB ${transB}`;
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), what);
        assert.ok(closeness(got, naiveMatMul(a, b, at), tol.rtol, tol.atol) <= 1, `${what}: the reference's values`);
        const bad = a.slice();
        bad[7] = NaN;
        assert.ok(!knownFinite(matMul(bad, b, at)), `${what}: a NaN leaves it unmarked`);
      }
    } finally {
      await rt.dispose();
    }
  }
});

test('wasm: outputs scanned finite in the heap are marked, so the NaN/Inf tracker skips them; any NaN or Inf leaves them unmarked', () => {
  for (const b of [one, two]) {
    const at = { m: 9, k: 70, n: 13, transA: false, transB: false };
    const a = randArray(at.m * at.k, 5);
    const w = randArray(at.k * at.n, 6);
    assert.ok(knownFinite(b.kernels.MatMul!(a, w, at)), 'finite product marked');
    for (const bad of [NaN, Infinity, -Infinity]) {
      const a2 = a.slice();
      a2[at.k * 8 + 3] = bad; // in the last row, the one beside the tile's padding rows
      assert.ok(!knownFinite(b.kernels.MatMul!(a2, w, at)), `${bad} in A: not marked`);
    }
    // finite inputs whose product overflows float32
    const big = new Float32Array(at.m * at.k).fill(3e38);
    const out = b.kernels.MatMul!(big, new Float32Array(at.k * at.n).fill(2), at);
    assert.ok(out.some((v) => !Number.isFinite(v)) && !knownFinite(out), 'overflow to Inf: not marked');
    // Width 11: direct forward and input gradient, im2col filter gradient; width 12: all direct; column stride 2:
    // all im2col.
    for (const [w, sw] of [[11, 1], [12, 1], [11, 2]]) {
      const c = convAttrs({ n: 2, cIn: 3, h: 9, w, cOut: 5, kh: 3, kw: 3, strideH: 1, strideW: sw, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1 });
      const x = randArray(c.n * c.cIn * c.h * c.w, 7);
      const k = randArray(c.cOut * c.cIn * 9, 8);
      const dy = randArray(c.n * c.cOut * c.outH * c.outW, 9);
      assert.ok(knownFinite(b.kernels.Conv2D!(x, k, null, c)));
      assert.ok(knownFinite(b.kernels.Conv2DBackpropInput!(dy, k, c)));
      assert.ok(knownFinite(b.kernels.Conv2DBackpropFilter!(x, dy, c)));
      const dy2 = dy.slice();
      dy2[dy2.length - 1] = NaN; // reaches dx's last element too, in the scalar tail of its scan
      assert.ok(!knownFinite(b.kernels.Conv2DBackpropInput!(dy2, k, c)));
      assert.ok(!knownFinite(b.kernels.Conv2DBackpropFilter!(x, dy2, c)));
      const x2 = x.slice();
      x2[0] = Infinity;
      assert.ok(!knownFinite(b.kernels.Conv2D!(x2, k, null, c)));
    }
    // ReLU does not scan: its output carries its input's mark, so the next kernel need not scan it either.
    const r = randArray(5000, 10);
    assert.ok(!knownFinite(b.kernels.Relu!(r)), 'ReLU of an unmarked input: unmarked');
    assert.ok(knownFinite(b.kernels.Relu!(markFinite(r.slice()))), 'ReLU of a marked input: marked');
  }
});

test('wasm: the direct filter gradient over many small images (several images a call, a partial last call) matches the reference, on both splits', async () => {
  // 8x8 outputs take 16 images a call: 37 images are calls of 16, 16 and 5; 3 output channels leave a zero plane.
  const at = convAttrs({ n: 37, cIn: 3, h: 12, w: 12, cOut: 3, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 });
  const x = randArray(at.n * at.cIn * at.h * at.w, 31);
  const dy = randArray(at.n * at.cOut * at.outH * at.outW, 32);
  const ref = cpuBackend.kernels.Conv2DBackpropFilter!(x, dy, at);
  const got = [one, two].map((b) => b.kernels.Conv2DBackpropFilter!(x, dy, at));
  for (const dw of got) assert.ok(closeness(dw, ref, tol.rtol, tol.atol) <= 1);
  assert.deepEqual(new Uint32Array(got[1].buffer, got[1].byteOffset, got[1].length), new Uint32Array(got[0].buffer, got[0].byteOffset, got[0].length));
});

test('wasm: the filter gradient as one long row per image meets the padding columns only with a finite input', () => {
  // 12x12 inputs, 8x8 outputs, 4 x 25 taps: each image's sums run as one row of 8 x 12 values, dy zero past column
  // 8, so the padding columns meet inputs that no real output reaches with those taps. An Inf there must not turn
  // the taps that never meet it into NaN: with a non-finite input the gradient keeps the short rows.
  const at = convAttrs({ n: 3, cIn: 4, h: 12, w: 12, cOut: 3, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 });
  const x = randArray(at.n * at.cIn * at.h * at.w, 41);
  const dy = randArray(at.n * at.cOut * at.outH * at.outW, 42);
  for (const b of [one, two]) assert.ok(closeness(b.kernels.Conv2DBackpropFilter!(x, dy, at), cpuBackend.kernels.Conv2DBackpropFilter!(x, dy, at), tol.rtol, tol.atol) <= 1);
  // Large enough to split over two threads (each lays out its own channels' dy rows): the bits of one thread.
  const big = convAttrs({ n: 8, cIn: 10, h: 12, w: 12, cOut: 20, kh: 5, kw: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 });
  const bx = randArray(big.n * big.cIn * big.h * big.w, 43);
  const bdy = randArray(big.n * big.cOut * big.outH * big.outW, 44);
  const got = [one, two].map((b) => b.kernels.Conv2DBackpropFilter!(bx, bdy, big));
  assert.ok(closeness(got[0], cpuBackend.kernels.Conv2DBackpropFilter!(bx, bdy, big), tol.rtol, tol.atol) <= 1);
  assert.deepEqual(new Uint32Array(got[1].buffer, got[1].byteOffset, got[1].length), new Uint32Array(got[0].buffer, got[0].byteOffset, got[0].length));
  // Image 0, channel 1, row 5, column 10: only taps kx = 2..4 reach column 10 (outputs 6..8 of a row of 8).
  const x2 = x.slice();
  x2[(0 * at.cIn + 1) * 144 + 5 * 12 + 10] = Infinity;
  const ref = cpuBackend.kernels.Conv2DBackpropFilter!(x2, dy, at);
  assert.ok(ref.some((v) => Number.isFinite(v)) && ref.some((v) => !Number.isFinite(v)));
  for (const b of [one, two]) {
    const got = b.kernels.Conv2DBackpropFilter!(x2, dy, at);
    got.forEach((v, i) => assert.equal(Number.isFinite(v), Number.isFinite(ref[i]), `dw[${i}]: ${v} against ${ref[i]}`));
    const finite = (a: Float32Array): Float32Array => a.map((v) => (Number.isFinite(v) ? v : 0));
    assert.ok(closeness(finite(got), finite(ref), tol.rtol, tol.atol) <= 1);
  }
});

test('wasm: unit-stride rows take the direct convolution kernels; other shapes fall back to im2col', async () => {
  const rt = await WasmRuntime.create({ threads: 1, fma: fmaOnly || undefined });
  try {
    const base = { n: 2, cIn: 4, h: 10, w: 12, cOut: 6, kh: 3, kw: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 2 };
    const direct = convAttrs(base);
    const x = randArray(direct.n * direct.cIn * direct.h * direct.w, 11);
    const k = randArray(direct.cOut * 2 * 9, 12);
    const dy = randArray(direct.n * direct.cOut * direct.outH * direct.outW, 13);
    const fwd = directConv2D(rt, x, k, null, direct);
    const dx = directConv2DBackpropInput(rt, dy, k, direct);
    const dw = directConv2DBackpropFilter(rt, x, dy, direct);
    assert.ok(fwd && dx && dw, 'stride 1, width 12: all three direct');
    const ref = [cpuBackend.kernels.Conv2D!(x, k, null, direct), cpuBackend.kernels.Conv2DBackpropInput!(dy, k, direct), cpuBackend.kernels.Conv2DBackpropFilter!(x, dy, direct)];
    [fwd.y, dx.dx, dw.dw].forEach((got, i) => assert.ok(closeness(got, ref[i], tol.rtol, tol.atol) <= 1, `direct result ${i}`));
    assert.equal(directConv2D(rt, x, k, null, convAttrs({ ...base, strideW: 2 })), null, 'column stride 2');
    assert.equal(directConv2D(rt, x, k, null, convAttrs({ ...base, w: 5 })), null, 'fewer than 8 output columns');
    const narrow = convAttrs({ ...base, w: 11 });
    assert.equal(directConv2DBackpropFilter(rt, x, randArray(narrow.n * narrow.cOut * narrow.outH * narrow.outW, 14), narrow), null, 'width not a multiple of 4');
    // 9 output columns would fill two 8-column panels poorly, so the fused kernel below does not take them either.
    assert.equal(directConv2DBackpropInput(rt, dy, k, convAttrs({ ...base, w: 9, strideH: 2 })), null, 'input gradient of a strided conv');
    assert.equal(directConv2DBackpropInput(rt, dy, k, convAttrs({ ...base, w: 5, padW: 3 })), null, 'padding wider than the kernel reach');
    // The input gradient with col2im fused into the GEMM: output rows of whole 8-column panels (here with row
    // stride 2 and padding, which the forward-pass formulation cannot take), and rows spread into zero-padded panels
    // (20 columns into 24, as the no-pool CNN's conv2; 15 into 16 with stride 2 and padding wider than the kernel).
    const fusedShapes = [{ w: 16 }, { w: 14, strideH: 2, padW: 2, dilationH: 2 }, { w: 20 }, { w: 11, strideH: 2, padW: 3 }];
    for (const fused of fusedShapes.map((s) => convAttrs({ ...base, ...s }))) {
      const dyF = randArray(fused.n * fused.cOut * fused.outH * fused.outW, 15);
      const got = directConv2DBackpropInput(rt, dyF, k, fused);
      assert.ok(got, `fused input gradient for ${JSON.stringify(fused)}`);
      assert.ok(closeness(got.dx, cpuBackend.kernels.Conv2DBackpropInput!(dyF, k, fused), tol.rtol, tol.atol) <= 1, 'fused result');
    }
    // The padding columns multiply an infinite weight by zero: the NaN must stay in the columns the copy out drops,
    // not spill into the next row's first inputs, which that tap does not reach.
    const wide = convAttrs({ ...base, w: 20 });
    const dyW = randArray(wide.n * wide.cOut * wide.outH * wide.outW, 16);
    const kInf = Float32Array.from(k);
    kInf[8] = Infinity; // output channel 0, input channel 0, tap (ky, kx) = (2, 2): the last column
    const dxInf = directConv2DBackpropInput(rt, dyW, kInf, wide)!.dx;
    const refInf = cpuBackend.kernels.Conv2DBackpropInput!(dyW, kInf, wide);
    const spilled = refInf.findIndex((r, i) => Number.isFinite(r) && !Number.isFinite(dxInf[i]));
    assert.equal(spilled, -1, `input ${spilled} is finite in the reference`);
  } finally {
    await rt.dispose();
  }
});

test('wasm: MatMul with a bias into a resident target (an LSTM projection buffer) gives the bits of a fresh result, on both splits', () => {
  // [1792, 28] x [28, 512]ᵀ + b, the bench LSTM's input projection; the target has headroom rows, as the module's has.
  const [m, k, n] = [1792, 28, 512];
  const a = randArray(m * k, 41);
  const w = randArray(n * k, 42);
  const bias = randArray(n, 43);
  for (const b of [one, two]) {
    const at = { m, k, n, transA: false, transB: true, bias };
    const fresh = b.kernels.MatMul!(a, w, at);
    const target = b.resident!((m + 8) * n);
    const got = b.kernels.MatMul!(a, w, { ...at, out: target });
    assert.equal(got.buffer, target.buffer, 'written into the target');
    assert.equal(got.byteOffset, target.byteOffset);
    assert.deepEqual(new Uint32Array(got.buffer, got.byteOffset, got.length), new Uint32Array(fresh.buffer, fresh.byteOffset, fresh.length));
    assert.ok(target.subarray(m * n).every((v) => v === 0), 'headroom rows left at zero');
  }
});
