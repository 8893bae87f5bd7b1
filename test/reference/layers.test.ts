// Every layer against PyTorch 1.13 (test/fixtures/layers.json): the layer is built from the same constructor
// arguments, its parameters (and BatchNorm's running statistics) are overwritten with the fixture's, then the
// outputs, the gradients of the inputs and of every parameter, and the buffers after the step are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../engine/index';
import {
  LOOSE,
  assertClose,
  flattenOutputs,
  loadFixture,
  toTensor,
  weightedSum,
  type TensorJson,
} from './fixtures';
import { buildLayer, callModule, type LayerSpec } from './modules';

interface LayerCase extends LayerSpec {
  name: string;
  mode: 'train' | 'eval';
  params: Record<string, TensorJson>;
  buffers: Record<string, TensorJson>;
  inputs: TensorJson[];
  outputs: TensorJson[];
  grad_outputs: TensorJson[];
  input_grads: Array<TensorJson | null>;
  param_grads: Record<string, TensorJson>;
  buffers_after: Record<string, TensorJson>;
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;

// layers_ported.json: the layers added for ported PyTorch scripts (issue 21), same format.
const fixture = loadFixture<LayerCase>('layers.json');
const cases = [...fixture.cases, ...loadFixture<LayerCase>('layers_ported.json').cases];

for (const c of cases) {
  test(`layers/${c.name}`, () => {
    const m = buildLayer(c);
    const named = new Map(m.named_parameters());
    assert.deepEqual([...named.keys()].sort(), Object.keys(c.params).sort(), `${c.name}: parameter names differ from PyTorch's`);
    for (const [name, t] of Object.entries(c.params)) {
      const p = named.get(name);
      if (!p) throw new Error(`${c.name}: no parameter ${name}`);
      assert.deepEqual(p.shape, t.shape, `${c.name}: shape of ${name}`);
      p.data.set(t.values);
    }
    const state = m.state_dict();
    for (const [name, t] of Object.entries(c.buffers)) {
      const b = state[name];
      if (!b) throw new Error(`${c.name}: state_dict() has no buffer ${name} (has ${Object.keys(state).join(', ')})`);
      b.data.set(t.values);
    }
    if (c.mode === 'train') m.train();
    else m.eval();

    const inputs = c.inputs.map((t, i) => toTensor(t, c.input_grads[i] !== null));
    const out =
      c.name.endsWith('_initial_state') && (c.layer === 'LSTM' || c.layer === 'LSTMCell')
        ? callModule(m, inputs[0], [inputs[1], inputs[2]])
        : callModule(m, ...inputs);
    const outs = flattenOutputs(out, isTensor);
    assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
    outs.forEach((o, i) => assertClose(`${c.name}: output ${i}`, o, c.outputs[i], LOOSE));

    weightedSum(outs, c.grad_outputs).backward();
    c.input_grads.forEach((g, i) => {
      if (g) assertClose(`${c.name}: grad of input ${i}`, inputs[i].grad, g, LOOSE);
    });
    for (const [name, g] of Object.entries(c.param_grads)) {
      assertClose(`${c.name}: grad of ${name}`, named.get(name)?.grad, g, LOOSE);
    }
    const after = m.state_dict();
    for (const [name, t] of Object.entries(c.buffers_after)) {
      assertClose(`${c.name}: buffer ${name} after the step`, after[name], t, LOOSE);
    }
  });
}
