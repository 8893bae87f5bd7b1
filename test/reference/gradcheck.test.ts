// Tier 1 of the gradient tests: central differences (float64 sums over float32 forwards) against autograd, for
// every op, layer and loss of the reference fixtures (their inputs and parameters keep clear of kinks such as
// relu's 0 or ties in max-pooling by more than eps), plus two tests of the harness itself: it catches a wrong
// backward, and it refuses to pass when eps is too small for float32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, makeOp, tensor } from '../../engine/index';
import { loadFixture, toTensor, type ArgJson, type TensorJson } from './fixtures';
import { describe, gradcheck, type GradcheckOptions } from './gradcheck';
import { buildLayer, callModule, type LayerSpec } from './modules';
import { OPS, type OpCase } from './op-table';

interface LayerCase extends LayerSpec {
  name: string;
  mode: 'train' | 'eval';
  params: Record<string, TensorJson>;
  buffers: Record<string, TensorJson>;
  inputs: TensorJson[];
  input_grads: Array<TensorJson | null>;
}

interface LossCase {
  name: string;
  loss: string;
  kwargs: Record<string, ArgJson>;
  inputs: [TensorJson, TensorJson];
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;
const flatten = (out: unknown): Tensor[] => {
  if (isTensor(out)) return [out];
  if (Array.isArray(out)) return out.flatMap(flatten);
  throw new Error(`expected Tensor outputs, got ${typeof out}`);
};

function check(name: string, f: () => Tensor | Tensor[], wrt: Tensor[], opts?: GradcheckOptions): void {
  const r = gradcheck(f, wrt, opts);
  assert.ok(r.checked > 0, `${name}: nothing to check`);
  assert.ok(r.ok, `${name}: ${describe(r)}`);
  // Kinks are rare where they are allowed at all; many would mean the check no longer tests much.
  assert.ok(r.kinks <= r.checked / 10, `${name}: ${r.kinks} of ${r.checked} elements only agree at a smaller eps`);
}

for (const c of loadFixture<OpCase>('ops.json').cases) {
  test(`gradcheck/ops/${c.name}`, () => {
    const fn = OPS[c.op];
    if (!fn) throw new Error(`no engine mapping for op '${c.op}'`);
    const inputs = c.inputs.map((t) => toTensor(t, true));
    check(c.name, () => fn(inputs, c.args), inputs);
  });
}

for (const c of loadFixture<LayerCase>('layers.json').cases) {
  test(`gradcheck/layers/${c.name}`, () => {
    const m = buildLayer(c);
    const params = new Map(m.named_parameters());
    for (const [name, t] of Object.entries(c.params)) params.get(name)?.data.set(t.values);
    const state = m.state_dict();
    for (const [name, t] of Object.entries(c.buffers)) state[name]?.data.set(t.values);
    if (c.mode === 'train') m.train();
    else m.eval();
    const inputs = c.inputs.map((t, i) => toTensor(t, c.input_grads[i] !== null));
    const call = (): Tensor[] =>
      flatten(c.name.endsWith('_initial_state') && c.layer === 'LSTM' ? callModule(m, inputs[0], [inputs[1], inputs[2]]) : callModule(m, ...inputs));
    // Composite models have ReLUs and max-pools on hidden activations that no input choice keeps clear of kinks.
    const refineKinks = c.layer === 'Sequential';
    check(c.name, call, [...inputs.filter((t) => t.requires_grad), ...params.values()], { refineKinks });
  });
}

for (const c of loadFixture<LossCase>('losses.json').cases) {
  test(`gradcheck/losses/${c.name}`, () => {
    const inputs = c.inputs.map((t) => toTensor(t, true));
    if (c.loss === 'vae_kl') {
      const [mu, logvar] = inputs;
      check(c.name, () => logvar.add(1).sub(mu.pow(2)).sub(logvar.exp()).sum().mul(-0.5), inputs);
      return;
    }
    // new nn.<Loss>({ reduction }) as a model file writes it; the target (class indices or labels) is held fixed.
    const lossFn = buildLayer({ layer: c.loss, args: [], kwargs: c.kwargs });
    const [input, target] = [inputs[0], toTensor(c.inputs[1])];
    check(c.name, () => callModule(lossFn, input, target) as Tensor, [input]);
  });
}

// ---- the harness itself ----------------------------------------------------------------------------

/** x² with a backward that is deliberately 10% too large: the kind of slip a new kernel's gradient makes. */
function badSquare(x: Tensor): Tensor {
  const out = x.data.map((v) => v * v);
  return makeOp('bad_square', [x], out, x.shape, (g) => [x.data.map((v, i) => 2.2 * v * g[i])]);
}

/** x² with a correct backward, built the same way, so the test below isolates the 10%. */
function goodSquare(x: Tensor): Tensor {
  const out = x.data.map((v) => v * v);
  return makeOp('good_square', [x], out, x.shape, (g) => [x.data.map((v, i) => 2 * v * g[i])]);
}

test('gradcheck catches a wrong backward registered with makeOp', () => {
  const x = tensor([[0.5, -1.25, 2], [1.5, -0.75, 0.3]], { requires_grad: true });
  const good = gradcheck(() => goodSquare(x), [x]);
  assert.ok(good.ok, `the correct op must pass: ${describe(good)}`);
  const bad = gradcheck(() => badSquare(x), [x]);
  assert.equal(bad.ok, false, 'a backward 10% off must fail the check');
  assert.equal(bad.violations, 6);
  // Retrying at smaller eps (allowed for composite models) does not rescue a wrong gradient either.
  const refined = gradcheck(() => badSquare(x), [x], { refineKinks: true });
  assert.equal(refined.ok, false);
  assert.equal(refined.kinks, 0);
  // A backward that ignores the incoming gradient (forgets the chain rule) must fail too.
  const noChain = (t: Tensor): Tensor => makeOp('no_chain', [t], t.data.map((v) => v * v), t.shape, () => [t.data.map((v) => 2 * v)]);
  assert.equal(gradcheck(() => noChain(x).mul(3), [x]).ok, false);
});

test('gradcheck with too small an eps fails in float32 (the harness is honest)', () => {
  // A smooth function with many outputs: with eps = 1e-2 the check passes; with eps = 1e-6 the perturbation is
  // ~10 float32 ulps of x, the outputs' rounding error divided by 2e-6 swamps the derivative, and it must fail.
  const vals = Array.from({ length: 48 }, (_, i) => Math.sin(i * 1.7) * 1.5);
  const x = tensor(vals, { shape: [6, 8], requires_grad: true });
  const w = tensor(Array.from({ length: 40 }, (_, i) => Math.cos(i * 0.9)), { shape: [8, 5], requires_grad: true });
  const f = (): Tensor => x.matmul(w).tanh().mul(x.sum(1, true).sigmoid());
  const fine = gradcheck(f, [x, w], { eps: 1e-2 });
  assert.ok(fine.ok, `eps 1e-2 must pass: ${describe(fine)}`);
  const tiny = gradcheck(f, [x, w], { eps: 1e-6 });
  assert.equal(tiny.ok, false, `eps 1e-6 must fail in float32, got ${describe(tiny)}`);
  assert.ok(tiny.violations > tiny.checked / 10, `most elements should be off with eps 1e-6: ${describe(tiny)}`);
});
