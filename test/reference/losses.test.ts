// Every loss against PyTorch 1.13 (test/fixtures/losses.json) with reductions mean, sum and none: the loss value
// and the gradient of the prediction. Class targets are class indices stored as float32, as the engine takes them.
import { test } from 'node:test';
import { F, type Tensor } from '../../engine/index';
import { LOOSE, assertClose, loadFixture, toTensor, type ArgJson, type TensorJson } from './fixtures';
import { callModule, moduleClass } from './modules';

interface LossCase {
  name: string;
  loss: string;
  kwargs: Record<string, ArgJson>;
  inputs: [TensorJson, TensorJson];
  target_is_index: boolean;
  output: TensorJson;
  grad_output: TensorJson;
  input_grad: TensorJson;
  input_grads?: TensorJson[];
}

/** The VAE KL term written with Tensor ops, as a user's model file would: -0.5 * sum(1 + logvar - mu^2 - exp(logvar)). */
function vaeKl(mu: Tensor, logvar: Tensor): Tensor {
  return logvar.add(1).sub(mu.pow(2)).sub(logvar.exp()).sum().mul(-0.5);
}

const fixture = loadFixture<LossCase>('losses.json');
// losses_ported.json: the losses added for ported PyTorch scripts (issue 21), same format.
fixture.cases.push(...loadFixture<LossCase>('losses_ported.json').cases);

for (const c of fixture.cases.filter((k) => k.loss === 'vae_kl')) {
  // Both the expression a user writes with Tensor ops and the engine's helper F.gaussian_kl.
  for (const [how, kl] of [
    ['tensor ops', vaeKl],
    ['F.gaussian_kl', F.gaussian_kl],
  ] as const) {
    test(`losses/${c.name} (${how})`, () => {
      const [mu, logvar] = c.inputs.map((t) => toTensor(t, true));
      const out = kl(mu, logvar);
      assertClose(`${c.name}: value`, out, c.output, LOOSE);
      out.backward(toTensor(c.grad_output));
      const grads = c.input_grads ?? [];
      assertClose(`${c.name}: grad of mu`, mu.grad, grads[0], LOOSE);
      assertClose(`${c.name}: grad of logvar`, logvar.grad, grads[1], LOOSE);
    });
  }
}

for (const c of fixture.cases.filter((k) => k.loss !== 'vae_kl')) {
  test(`losses/${c.name}`, () => {
    const ctor = moduleClass(c.loss);
    const lossFn = Object.keys(c.kwargs).length > 0 ? new ctor({ ...c.kwargs }) : new ctor();
    const input = toTensor(c.inputs[0], true);
    const target = toTensor(c.inputs[1]);
    const out = callModule(lossFn, input, target) as Tensor;
    assertClose(`${c.name}: value`, out, c.output, LOOSE);
    out.backward(toTensor(c.grad_output));
    assertClose(`${c.name}: grad of input`, input.grad, c.input_grad, LOOSE);
  });
}
