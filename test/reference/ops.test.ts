// Every Tensor op against PyTorch 1.13 (test/fixtures/ops.json): forward values and the gradient of each input
// for a fixed upstream gradient. One test per fixture case, so a failure names the op and the case.
import { test } from 'node:test';
import { LOOSE, TIGHT, assertClose, loadFixture, toTensor } from './fixtures';
import { OPS, SUMMING, type OpCase } from './op-table';

const fixture = loadFixture<OpCase>('ops.json');

for (const c of fixture.cases) {
  test(`ops/${c.name}`, () => {
    const fn = OPS[c.op];
    if (!fn) throw new Error(`no engine mapping for fixture op '${c.op}'`);
    const inputs = c.inputs.map((t) => toTensor(t, true));
    const out = fn(inputs, c.args);
    const tol = SUMMING.has(c.op) ? LOOSE : TIGHT;
    assertClose(`${c.name}: output`, out, c.output, tol);
    out.backward(toTensor(c.grad_output));
    c.grads.forEach((g, i) => {
      if (g) assertClose(`${c.name}: grad of input ${i}`, inputs[i].grad, g, LOOSE);
    });
  });
}

// The ops the engine contract (and the task brief) lists: each must have at least one PyTorch case.
const CONTRACT_OPS = [
  'add', 'sub', 'mul', 'div', 'add_scalar', 'sub_scalar', 'mul_scalar', 'div_scalar', 'neg', 'pow', 'exp', 'log', 'sqrt',
  'abs', 'relu', 'sigmoid', 'tanh', 'matmul', 'sum', 'mean', 'max', 'softmax', 'log_softmax', 'view', 'reshape',
  'flatten', 'transpose', 'permute', 'unsqueeze', 'squeeze', 'cat', 'stack', 'narrow', 'clamp', 'leaky_relu', 'elu', 'gelu',
];

test('ops fixture covers every op of the engine contract', () => {
  const covered = new Set(fixture.cases.map((c) => c.op));
  const missing = CONTRACT_OPS.filter((op) => !covered.has(op) || !OPS[op]);
  if (missing.length > 0) throw new Error(`no fixture case or no engine mapping for: ${missing.join(', ')}`);
});
