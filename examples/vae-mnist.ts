// A small variational autoencoder on MNIST: the encoder gives the mean and log-variance of a 16-d latent code,
// the reparameterisation trick samples it, and the decoder reconstructs the digit. The loss is the
// reconstruction error (binary cross-entropy on pixel intensities) plus the KL term, per sample.
import { nn, optim, data, defineTraining, F, randn_like, Tensor } from 'gradlens';

class VAE extends nn.Module<[Tensor], [Tensor, Tensor, Tensor]> {
  flatten = new nn.Flatten();
  enc = new nn.Linear(784, 200);
  mu = new nn.Linear(200, 16);
  logvar = new nn.Linear(200, 16);
  dec1 = new nn.Linear(16, 200);
  dec2 = new nn.Linear(200, 784);

  forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const h = this.enc(this.flatten(x)).relu();
    const mu = this.mu(h);
    const logvar = this.logvar(h);
    // z = mu + sigma * eps, so the sampling noise sits outside the gradient path.
    const z = mu.add(logvar.mul(0.5).exp().mul(randn_like(mu)));
    const recon = this.dec2(this.dec1(z).relu()).sigmoid();
    return [recon, mu, logvar];
  }
}

// MNIST is z-scored by data.mnist; undo it to get pixel intensities in [0, 1] as reconstruction targets.
const MEAN = 0.1307;
const STD = 0.3081;

export default defineTraining({
  model: new VAE(),
  data: data.mnist({ train: 4000, test: 1000 }),
  loss: ([recon, mu, logvar]: [Tensor, Tensor, Tensor], _target: Tensor, input: Tensor) => {
    const pixels = input.flatten(1).mul(STD).add(MEAN).clamp(0, 1);
    const batch = input.shape[0];
    const rec = F.binary_cross_entropy(recon.clamp(1e-6, 1 - 1e-6), pixels, { reduction: 'sum' });
    return rec.add(F.gaussian_kl(mu, logvar)).div(batch);
  },
  optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
  accuracy: false,
  epochs: 3,
  batchSize: 64,
  seed: 1,
});
