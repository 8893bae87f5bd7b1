// An LSTM on the "adding problem": each sequence step carries a random value and a marker; the target is the
// sum of the two marked values. The model reads the sequence and regresses from its last hidden state.
import { nn, optim, data, defineTraining, Tensor } from 'gradlens';

class SequenceRegressor extends nn.Module {
  lstm = new nn.LSTM(2, 32, { batch_first: true });
  head = new nn.Linear(32, 1);

  forward(x: Tensor): Tensor {
    const [out] = this.lstm(x);
    const steps = out.shape[1];
    const last = out.narrow(1, steps - 1, 1).squeeze(1);
    return this.head(last);
  }
}

export default defineTraining({
  model: new SequenceRegressor(),
  data: data.sequence({ n: 2000, length: 10, problem: 'adding' }),
  loss: new nn.MSELoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 1e-2 }),
  epochs: 10,
  batchSize: 32,
  seed: 3,
});
