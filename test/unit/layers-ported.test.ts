// What the PyTorch fixtures cannot show for the layers added for ported scripts (issue 21): Dropout2d's random
// channel mask in training, and the recurrent cells' shape errors and zero initial state.
import test from 'node:test';
import assert from 'node:assert/strict';
import { F, nn, torch } from '../../engine/index';

test('Dropout2d zeroes whole channels with probability p and scales the rest by 1/(1-p)', () => {
  torch.manual_seed(3);
  const x = torch.ones(8, 50, 3, 3, { requires_grad: true });
  const y = new nn.Dropout2d(0.4)(x);
  let dropped = 0;
  for (let plane = 0; plane < 8 * 50; plane++) {
    const vals = new Set(Array.from(y.data.subarray(plane * 9, plane * 9 + 9)));
    assert.equal(vals.size, 1, `plane ${plane} is all zero or all kept`);
    const v = [...vals][0];
    assert.ok(v === 0 || Math.abs(v - 1 / 0.6) < 1e-6, `value ${v}`);
    if (v === 0) dropped++;
  }
  assert.ok(dropped > 120 && dropped < 200, `about 40% of 400 channels dropped, got ${dropped}`);
  y.sum().backward();
  assert.deepEqual(Array.from((x.grad as torch.Tensor).data), Array.from(y.data));
  const m = new nn.Dropout2d(0.4);
  m.eval();
  assert.equal(m(x), x);
  assert.equal(F.dropout2d(x, 0.4, false), x);
  assert.throws(() => F.dropout2d(torch.ones(4, 4), 0.5), /dropout2d: expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, got \[4, 4\]/);
});

test('LSTMCell and GRUCell: zero initial state, shapes, and errors naming the cell', () => {
  const lstm = new nn.LSTMCell(3, 4);
  const [h, c] = lstm(torch.ones(2, 3));
  assert.deepEqual([h.shape, c.shape], [[2, 4], [2, 4]]);
  const [h2] = lstm(torch.ones(2, 3), [torch.zeros(2, 4), torch.zeros(2, 4)]);
  assert.deepEqual(Array.from(h2.data), Array.from(h.data));
  const gru = new nn.GRUCell(3, 4, false);
  assert.equal(gru.bias_ih, null);
  assert.deepEqual(gru(torch.ones(3)).shape, [4]);
  assert.throws(() => lstm(torch.ones(2, 5)), /LSTMCell.*input must be \[N, input_size\]/);
  assert.throws(() => gru(torch.ones(2, 3), torch.zeros(3, 4)), /GRUCell.*h_0 has the wrong shape/);
  assert.deepEqual(lstm.named_parameters().map(([n]) => n), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
});
