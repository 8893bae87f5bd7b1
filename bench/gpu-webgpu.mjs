#!/usr/bin/env node
// Self-contained measurement of gpu.js's WebGPU mode (through the npm `webgpu` package, Google's Dawn): square
// float32 matmul at 128..2048, in GFLOP/s, two ways: end to end (upload, compute, readback, as a Gradlens kernel
// call would pay) and resident (pipeline mode: inputs and output stay on the GPU, one readback at the end), plus
// correctness of each size against a float64 CPU loop on sampled entries. Prints one JSON object on stdout.
//
//   node bench/gpu-webgpu.mjs [--sizes 128,256,512,1024,2048] [--seconds 1] [--adapter auto|high-performance|compatibility]
//
// Needs a real GPU adapter (Vulkan on Linux). On a machine with only Mesa's llvmpipe, set EGL_PLATFORM=surfaceless and
// pass --adapter compatibility (Dawn's OpenGL ES backend). Exit code 2 when no adapter could be obtained.
import { createRequire } from 'node:module';
import os from 'node:os';
import { option } from './cli.mjs';

const require = createRequire(import.meta.url);
const SIZES = option('sizes', '128,256,512,1024,2048').split(',').map(Number);
const SECONDS = Number(option('seconds', 1));
const ADAPTER = option('adapter', 'auto');
const report = { tool: 'bench/gpu-webgpu.mjs', node: process.version, host: os.hostname(), cpu: os.cpus()[0]?.model, sizes: [] };
const done = (code) => {
  console.log(JSON.stringify(report, null, 2));
  process.exit(code);
};

// 1. Dawn. Its Linux binary needs glibc 2.38 / GLIBCXX 3.4.32 (Debian 13, Ubuntu 24.04 or newer).
let dawn;
try {
  dawn = require('webgpu');
  report.webgpuPackage = require('webgpu/package.json').version;
} catch (e) {
  report.error = `cannot load the npm 'webgpu' package: ${e.message.split('\n')[0]}`;
  if (/GLIBC/.test(e.message)) {
    report.hint = 'Dawn needs glibc 2.38 and libstdc++ with GLIBCXX_3.4.32; on older systems run node through a newer ' +
      "glibc's loader: <dir>/ld-linux-x86-64.so.2 --library-path <dir>:/lib/x86_64-linux-gnu $(readlink -f $(which node)) bench/gpu-webgpu.mjs " +
      '(see docs/benchmarks.md)';
  }
  done(2);
}
Object.assign(globalThis, dawn.globals);

// 2. An adapter: a real GPU first (Vulkan, high-performance), then Dawn's OpenGL ES backend at the compatibility
//    feature level (what Mesa's llvmpipe offers on a machine without a GPU, via EGL_PLATFORM=surfaceless).
const candidates = [
  { flags: [], options: { powerPreference: 'high-performance' } },
  { flags: ['backend=opengles'], options: { featureLevel: 'compatibility' } },
].filter((c) => ADAPTER === 'auto' || (ADAPTER === 'compatibility') === Boolean(c.options.featureLevel));
let gpuApi = null;
let adapterOptions = null;
for (const c of candidates) {
  const api = dawn.create(c.flags);
  const a = await api.requestAdapter(c.options).catch(() => null);
  if (a) {
    gpuApi = api;
    adapterOptions = c.options;
    const info = a.info ?? {};
    report.adapter = { dawnFlags: c.flags, options: c.options, vendor: info.vendor, architecture: info.architecture, device: info.device,
      description: info.description, maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize };
    break;
  }
}
if (!adapterOptions) {
  report.error = `no WebGPU adapter (tried ${JSON.stringify(candidates)})`;
  done(2);
}
// gpu.js asks navigator.gpu.requestAdapter() with no options: give it the options that worked.
// Dawn's Node binding rejects a function assigned to device.onuncapturederror (gpu.js does that) and a function
// given to addEventListener, so the device gets an own property that keeps the handler aside; errors still surface
// through gpu.js's error scopes and through the correctness check.
let uncaptured = null;
/** The device gpu.js created (captured to wait for queued GPU work when timing resident runs). */
let device = null;
async function requestAdapter(o) {
  const a = await gpuApi.requestAdapter({ ...adapterOptions, ...o });
  if (!a) return a;
  const requestDevice = a.requestDevice.bind(a);
  a.requestDevice = async (d) => {
    const dev = await requestDevice(d);
    device = dev;
    Object.defineProperty(dev, 'onuncapturederror', {
      configurable: true,
      get: () => uncaptured,
      set: (fn) => (uncaptured = fn),
    });
    return dev;
  };
  return a;
}
const nav = { gpu: { requestAdapter, getPreferredCanvasFormat: () => 'rgba8unorm', wgslLanguageFeatures: new Set() } };
Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, writable: true });

const { GPU } = require('gpu.js');
report.gpujs = require('gpu.js/package.json').version;
report.webgpuAvailable = await GPU.isWebGPUAvailable();
if (!report.webgpuAvailable) {
  report.error = 'gpu.js reports WebGPU unavailable';
  done(2);
}
const gpu = new GPU({ mode: 'webgpu' });

function matmulKernel(n, pipeline) {
  return gpu.createKernel(function (a, b) {
    let s = 0;
    for (let p = 0; p < this.constants.n; p++) s += a[this.thread.y * this.constants.n + p] * b[p * this.constants.n + this.thread.x];
    return s;
  }, { output: [n * n], constants: { n }, precision: 'single', pipeline, immutable: pipeline, output2d: false })
    .setOutput([n, n]);
}

function randomMatrix(n, seed) {
  const a = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/** Max relative error over 256 sampled entries against a float64 dot product. */
function check(a, b, c, n) {
  let worst = 0;
  let s = 12345;
  for (let t = 0; t < 256; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const i = s % n;
    const j = (s >>> 8) % n;
    let ref = 0;
    let mag = 0;
    for (let p = 0; p < n; p++) {
      ref += a[i * n + p] * b[p * n + j];
      mag += Math.abs(a[i * n + p] * b[p * n + j]);
    }
    const got = Array.isArray(c) || c[0]?.length !== undefined ? c[i][j] : c[i * n + j];
    worst = Math.max(worst, Math.abs(got - ref) / (mag || 1));
  }
  return worst;
}

async function timeIt(fn) {
  await fn(); // compile + warm-up
  let iters = 0;
  const t0 = performance.now();
  do {
    await fn();
    iters++;
  } while (performance.now() - t0 < SECONDS * 1000 || iters < 3);
  return (performance.now() - t0) / 1000 / iters;
}

for (const n of SIZES) {
  const row = { n };
  try {
    const a = randomMatrix(n, n), b = randomMatrix(n, n + 1);
    const flops = 2 * n ** 3;
    const k = matmulKernel(n, false);
    const c = await k(a, b);
    row.maxRelError = check(a, b, c, n);
    row.correct = row.maxRelError < 1e-5;
    row.endToEndGflops = flops / (await timeIt(() => k(a, b))) / 1e9;
    // Resident: inputs uploaded once as pipeline results, output kept on the GPU; readback only at the end.
    const kp = matmulKernel(n, true);
    const ident = gpu.createKernel(function (x) { return x[this.thread.x]; }, { output: [n * n], pipeline: true, immutable: true });
    const [ga, gb] = [await ident(a), await ident(b)];
    let last = null;
    // A pipeline call resolves once the work is submitted, not done: wait for the queue, or this would time
    // submission (the first version of this script reported 24 TFLOP/s at 2048 on an H100 that way).
    row.residentGflops = flops / (await timeIt(async () => {
      last?.delete?.();
      last = await kp(ga, gb);
      await device.queue.onSubmittedWorkDone();
    })) / 1e9;
    const back = await last.toArray();
    row.residentMaxRelError = check(a, b, back, n);
    row.correct = row.correct && row.residentMaxRelError < 1e-5;
    last.delete?.();
    ga.delete?.();
    gb.delete?.();
  } catch (e) {
    row.error = e.message.split("\n")[0];
    if (process.env.GPU_BENCH_DEBUG) console.error(e.stack);
  }
  report.sizes.push(row);
  console.error(JSON.stringify(row));
}
gpu.destroy();
done(report.sizes.every((r) => r.correct && !r.error) ? 0 : 1);
