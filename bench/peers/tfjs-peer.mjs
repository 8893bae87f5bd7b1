// TensorFlow.js peer for bench/run.mjs (bundled by it with esbuild before use) (tfjs-core 4.22 with backend-cpu or backend-wasm): same JSON-lines
// protocol and workloads as torch_peer.py. Models are written with tfjs-core ops (tfjs-layers is not installed):
// variables, tf.train.adam and optimizer.minimize, which is how tfjs-layers trains underneath.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; the tfjs union package normally imports this.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createInterface } from 'node:readline';

const backend = process.argv[2] ?? 'cpu';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

// This file is bundled by bench/run.mjs (tfjs's ESM files use extensionless imports that Node cannot load), so the
// wasm binaries are located from the package rather than from the bundle's directory.
if (backend === 'wasm') tfwasm.setWasmPaths(process.env.TFJS_WASM_DIR + '/');
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
await tf.ready();
const BATCH = 64;
let seed = 1;
const rnd = (shape, scale) => tf.randomUniform(shape, -scale, scale, 'float32', seed++);
const v = (shape, fanIn) => tf.variable(rnd(shape, 1 / Math.sqrt(fanIn)));

const linear = (i, o) => ({ w: v([i, o], i), b: v([o], i), f(x) { return tf.add(tf.matMul(x, this.w), this.b); } });
// NCHW is not supported by tfjs convs on these backends: NHWC with HWIO filters.
const conv = (ci, co, k) => ({ w: v([k, k, ci, co], ci * k * k), b: v([co], ci * k * k), f(x) { return tf.add(tf.conv2d(x, this.w, 1, 'valid'), this.b); } });

function cnn(pool) {
  const c1 = conv(1, 10, 5), c2 = conv(10, 20, 5);
  const l1 = linear(pool ? 320 : 8000, 50), l2 = linear(50, 10);
  const x = rnd([BATCH, 28, 28, 1], 1);
  return { x, f: () => {
    let h = tf.relu(c1.f(x));
    if (pool) h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(c2.f(h));
    if (pool) h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.reshape(h, [BATCH, -1]);
    return l2.f(tf.relu(l1.f(h)));
  } };
}

function lstm() {
  const H = 128, I = 28, T = 28;
  const kernel = v([I + H, 4 * H], I + H), bias = v([4 * H], I + H), head = linear(H, 10);
  const x = rnd([BATCH, T, I], 1);
  return { x, f: () => {
    let c = tf.zeros([BATCH, H]), h = tf.zeros([BATCH, H]);
    const steps = tf.unstack(x, 1);
    for (const xt of steps) [c, h] = tf.basicLSTMCell(tf.scalar(0), kernel, bias, xt, c, h);
    return head.f(h);
  } };
}

function make(name) {
  if (name.startsWith('matmul-')) {
    const n = Number(name.split('-')[1]);
    const a = rnd([n, n], 1), b = rnd([n, n], 1);
    return () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
  }
  let model;
  if (name === 'mlp') {
    const l1 = linear(784, 256), l2 = linear(256, 10), x = rnd([BATCH, 784], 1);
    model = { f: () => l2.f(tf.relu(l1.f(x))) };
  } else if (name === 'cnn') model = cnn(true);
  else if (name === 'cnn-nopool') model = cnn(false);
  else if (name === 'lstm') model = lstm();
  else throw new Error('unknown workload ' + name);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 7) % 10), 'int32'), 10);
  const opt = tf.train.adam(1e-3);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.f()), true);
    loss.dataSync(); // wait for the step to finish, as torch's synchronous step does
    loss.dispose();
  };
}

const fns = new Map();
console.log(JSON.stringify({ ready: true, backend: tf.getBackend(), version: tf.version_core }));
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line);
  try {
    if (!fns.has(cmd.workload)) {
      const f = make(cmd.workload);
      f();
      fns.set(cmd.workload, f);
    }
    const f = fns.get(cmd.workload);
    let iters = 0, t = 0;
    const t0 = performance.now();
    do {
      tf.tidy(f);
      iters++;
      t = (performance.now() - t0) / 1000;
    } while (t < cmd.seconds || iters < (cmd.minIters ?? 2));
    console.log(JSON.stringify({ ok: true, iters, seconds: t }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e).slice(0, 300) }));
  }
}
