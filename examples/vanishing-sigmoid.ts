// A deliberately broken model: ten sigmoid layers with a small initialisation. Each sigmoid scales the gradient
// by at most 0.25 and each small weight matrix shrinks it further, so almost nothing reaches the first layers
// (vanishing gradients) and the loss sits at ln(10). Gradlens flags the early layers at their declarations.
import { nn, optim, data, defineTraining } from 'gradlens';

const layers: nn.Module[] = [new nn.Flatten()];
for (let i = 0; i < 10; i++) {
  const linear = new nn.Linear(i === 0 ? 784 : 64, 64);
  nn.init.normal_(linear.weight, 0, 0.05);
  if (linear.bias) nn.init.zeros_(linear.bias);
  layers.push(linear, new nn.Sigmoid());
}
layers.push(new nn.Linear(64, 10));

export default defineTraining({
  model: new nn.Sequential(...layers),
  data: data.mnist({ train: 2000, test: 500 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr: 0.01 }),
  epochs: 2,
  batchSize: 64,
  seed: 5,
});
