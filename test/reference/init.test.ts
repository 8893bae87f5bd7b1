// Initialisation: the DISTRIBUTION facts of PyTorch 1.13 (test/fixtures/init.json), not its random numbers. For
// every case the expected bound or standard deviation is derived here from the formula (fan-in, gain, hidden size),
// checked against the number PyTorch's code gives (stored in the fixture), and then the engine's sample is tested
// against it: uniform samples stay inside the bound and reach near it, means and standard deviations agree within
// six standard errors. The seed is fixed, so the checks are deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manual_seed, nn, zeros, type Tensor } from '../../engine/index';
import { loadFixture, type ArgJson } from './fixtures';
import { buildLayer, type LayerSpec } from './modules';

interface Expected {
  dist: 'uniform' | 'normal' | 'constant';
  bound?: number;
  low?: number;
  high?: number;
  mean?: number;
  std?: number;
  value?: number;
  shape?: number[];
}

interface InitCase extends Partial<LayerSpec> {
  name: string;
  kind: 'layer_default' | 'init_fn';
  expected: Record<string, Expected> | Expected;
  fn?: string;
  shape?: number[];
  args?: ArgJson[];
  kwargs?: Record<string, ArgJson>;
}

const fixture = loadFixture<InitCase>('init.json');
const torchGains = fixture.calculate_gain as Record<string, number>;

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
/** fan_in and fan_out of a weight [out, in, ...kernel], as torch.nn.init._calculate_fan_in_and_fan_out. */
const fans = (shape: readonly number[]): [number, number] => {
  const rf = prod(shape.slice(2));
  return [shape[1] * rf, shape[0] * rf];
};

function gain(nonlinearity: string, a = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + a * a));
    default:
      throw new Error(`no gain for ${nonlinearity}`);
  }
}

/** The expected distribution of a layer's default-initialised tensor, from PyTorch's reset_parameters(). */
function layerExpected(spec: LayerSpec, name: string, shapes: Record<string, number[]>): Expected {
  if (['RNN', 'LSTM', 'GRU'].includes(spec.layer)) return { dist: 'uniform', bound: 1 / Math.sqrt(Number(spec.args[1])) };
  if (spec.layer === 'Embedding') return { dist: 'normal', mean: 0, std: 1 };
  if (spec.layer.startsWith('BatchNorm') || spec.layer === 'LayerNorm') {
    return { dist: 'constant', value: name === 'weight' || name === 'running_var' ? 1 : 0 };
  }
  // Linear / Conv: kaiming_uniform_(a=sqrt(5)) gives bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in); the bias
  // is uniform in +-1/sqrt(fan_in) of the weight.
  const [fanIn] = fans(shapes.weight);
  return { dist: 'uniform', bound: gain('leaky_relu', Math.sqrt(5)) * Math.sqrt(3 / fanIn) };
}

/** The expected distribution of nn.init.<fn>(t, ...args, kwargs) from the formulas in torch/nn/init.py. */
function fnExpected(fn: string, shape: number[], args: ArgJson[], kw: Record<string, ArgJson>): Expected {
  const [fanIn, fanOut] = fans(shape);
  const nl = typeof kw.nonlinearity === 'string' ? kw.nonlinearity : 'leaky_relu';
  const a = typeof kw.a === 'number' ? kw.a : 0;
  const fan = kw.mode === 'fan_out' ? fanOut : fanIn;
  const g = typeof args[0] === 'number' ? args[0] : 1;
  switch (fn) {
    case 'kaiming_uniform_':
      return { dist: 'uniform', bound: gain(nl, a) * Math.sqrt(3 / fan) };
    case 'kaiming_normal_':
      return { dist: 'normal', mean: 0, std: gain(nl, a) / Math.sqrt(fan) };
    case 'xavier_uniform_':
      return { dist: 'uniform', bound: g * Math.sqrt(6 / (fanIn + fanOut)) };
    case 'xavier_normal_':
      return { dist: 'normal', mean: 0, std: g * Math.sqrt(2 / (fanIn + fanOut)) };
    case 'uniform_':
      return { dist: 'uniform', low: Number(args[0]), high: Number(args[1]) };
    case 'normal_':
      return { dist: 'normal', mean: Number(args[0]), std: Number(args[1]) };
    case 'constant_':
      return { dist: 'constant', value: Number(args[0]) };
    case 'zeros_':
      return { dist: 'constant', value: 0 };
    case 'ones_':
      return { dist: 'constant', value: 1 };
    default:
      throw new Error(`no formula for nn.init.${fn}`);
  }
}

function assertSameFormula(what: string, mine: Expected, torch: Expected): void {
  for (const k of ['bound', 'low', 'high', 'mean', 'std', 'value'] as const) {
    const m = mine[k];
    const t = torch[k];
    if (m === undefined && t === undefined) continue;
    assert.ok(m !== undefined && t !== undefined && Math.abs(m - t) <= 1e-12 + 1e-9 * Math.abs(t), `${what}: ${k} ${m} here, ${t} in PyTorch`);
  }
  assert.equal(mine.dist, torch.dist, `${what}: distribution`);
}

/** Checks a sample of n values against the distribution within bounds a correct sampler fails with p < 1e-6. */
export function assertSample(what: string, data: Float32Array, e: Expected): void {
  const n = data.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / n;
  let ss = 0;
  for (const v of data) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(n - 1, 1));
  if (e.dist === 'constant') {
    assert.ok(min === e.value && max === e.value, `${what}: values in [${min}, ${max}], expected all ${e.value}`);
    return;
  }
  if (e.dist === 'uniform') {
    const lo = e.low ?? -e.bound!;
    const hi = e.high ?? e.bound!;
    const width = hi - lo;
    const f32 = 1e-6 * Math.max(Math.abs(lo), Math.abs(hi));
    assert.ok(min >= lo - f32 && max <= hi + f32, `${what}: sample in [${min}, ${max}], outside [${lo}, ${hi}]`);
    // The extremes of n uniform draws come within width * 14/n of each end (a miss has probability e^-14).
    const reach = Math.min(0.9, 14 / n) * width;
    assert.ok(min <= lo + reach && max >= hi - reach, `${what}: sample in [${min}, ${max}] does not fill [${lo}, ${hi}]`);
    const sigma = width / Math.sqrt(12);
    assert.ok(Math.abs(mean - (lo + hi) / 2) <= 6 * sigma / Math.sqrt(n), `${what}: mean ${mean}, expected ${(lo + hi) / 2}`);
    // sd(s)/sigma is about sqrt((kurtosis - 1) / (4n)), kurtosis 1.8 for the uniform distribution.
    assert.ok(Math.abs(std / sigma - 1) <= 6 * Math.sqrt(0.8 / (4 * n)), `${what}: std ${std}, expected ${sigma}`);
    return;
  }
  const sigma = e.std!;
  assert.ok(Math.abs(mean - e.mean!) <= 6 * sigma / Math.sqrt(n), `${what}: mean ${mean}, expected ${e.mean}`);
  assert.ok(Math.abs(std / sigma - 1) <= 6 / Math.sqrt(2 * n), `${what}: std ${std}, expected ${sigma}`);
  // A normal sample of 1000+ values has tails past 2.5 sigma; a uniform one of the same std cannot (max 1.73 sigma).
  if (n >= 1000) assert.ok(max - e.mean! > 2.5 * sigma && e.mean! - min > 2.5 * sigma, `${what}: no normal tails (range [${min}, ${max}])`);
}

for (const c of fixture.cases) {
  test(`init/${c.name}`, () => {
    manual_seed(1234);
    if (c.kind === 'layer_default') {
      const spec: LayerSpec = { layer: c.layer!, args: c.args ?? [], kwargs: c.kwargs ?? {} };
      const m = buildLayer(spec);
      const tensors: Record<string, Tensor> = { ...m.state_dict() };
      for (const [name, p] of m.named_parameters()) tensors[name] = p;
      const shapes = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.shape]));
      for (const [name, torchExp] of Object.entries(c.expected as Record<string, Expected>)) {
        const t = tensors[name];
        if (!t) throw new Error(`${c.name}: no parameter or buffer ${name}`);
        assert.deepEqual(t.shape, torchExp.shape, `${c.name}: shape of ${name}`);
        const mine = layerExpected(spec, name, shapes);
        assertSameFormula(`${c.name}.${name}`, mine, torchExp);
        assertSample(`${c.name}.${name}`, t.data, mine);
      }
      return;
    }
    const fn = (nn.init as unknown as Record<string, ((t: Tensor, ...a: unknown[]) => Tensor) | undefined>)[c.fn!];
    if (typeof fn !== 'function') throw new Error(`nn.init.${c.fn} is not exported by the engine`);
    const t = zeros(c.shape!);
    const args: unknown[] = [...(c.args ?? [])];
    if (Object.keys(c.kwargs ?? {}).length > 0) args.push({ ...c.kwargs });
    fn(t, ...args);
    const mine = fnExpected(c.fn!, c.shape!, c.args ?? [], c.kwargs ?? {});
    assertSameFormula(c.name, mine, c.expected as Expected);
    assertSample(c.name, t.data, mine);
  });
}

test('init/calculate_gain matches PyTorch', () => {
  const calc = (nn.init as unknown as { calculate_gain: (nl: string, p?: number) => number }).calculate_gain;
  for (const [key, value] of Object.entries(torchGains)) {
    const [nl, param] = key.split('_0.') as [string, string | undefined];
    const p = param === undefined ? undefined : Number(`0.${param}`);
    assert.ok(Math.abs(gain(nl, p) - value) < 1e-12, `formula here for ${key}: ${gain(nl, p)}, PyTorch ${value}`);
    assert.ok(Math.abs(calc(nl, p) - value) < 1e-6, `engine calculate_gain(${key}) = ${calc(nl, p)}, PyTorch ${value}`);
  }
});

test('init sample checks reject a wrong distribution (the checks can fail)', () => {
  manual_seed(1);
  const t = zeros([256, 784]);
  (nn.init as unknown as { kaiming_uniform_: (t: Tensor, o?: object) => Tensor }).kaiming_uniform_(t, { a: Math.sqrt(5) });
  const right: Expected = { dist: 'uniform', bound: 1 / Math.sqrt(784) };
  assertSample('right', t.data, right);
  assert.throws(() => assertSample('bound 10% too large', t.data, { dist: 'uniform', bound: 1.1 / Math.sqrt(784) }));
  assert.throws(() => assertSample('normal with the same std', t.data, { dist: 'normal', mean: 0, std: 1 / Math.sqrt(3 * 784) }));
});
