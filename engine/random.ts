// Seeded random numbers. Every random draw in the engine (init, dropout, shuffling, synthetic data) comes from a
// Generator so that the same seed gives the same run bit for bit. PyTorch's Mersenne Twister stream cannot be
// reproduced cheaply, so runs match PyTorch in distribution, not in the exact draws.

/** xoshiro128** (public-domain algorithm by Blackman and Vigna): fast, 32-bit state words, good statistics. */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manual_seed(seed);
  }

  manual_seed(seed: number): this {
    // splitmix32 expands one seed into four non-zero state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() || 1;
    this.spare = null;
    return this;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box-Muller; the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  randint(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates permutation of 0..n-1. */
  randperm(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The whole stream position (torch.Generator.get_state): time travel puts it back with setState. */
  getState(): GeneratorState {
    // XOR leaves signed 32-bit words; every use coerces them, so the unsigned form is the same state.
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  setState(state: GeneratorState): this {
    const [s0, s1, s2, s3] = state.words;
    if (state.words.length !== 4 || !state.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new TypeError('Generator.setState: expected four 32-bit unsigned state words');
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.spare = state.spare;
    return this;
  }

  /** A new generator whose stream is derived from this seed and a key (e.g. the epoch number). */
  fork(key: number): Generator {
    return new Generator((this.nextUint32() ^ Math.imul(key + 1, 0x9e3779b1)) >>> 0);
  }
}

/** A Generator's position: its four xoshiro words and the Box-Muller value kept for the next normal(). */
export interface GeneratorState {
  words: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator, like torch's global RNG. */
export const defaultGenerator = new Generator(0);

export function manual_seed(seed: number): Generator {
  return defaultGenerator.manual_seed(seed);
}

/** torch.get_rng_state: the default generator's position. */
export function get_rng_state(): GeneratorState {
  return defaultGenerator.getState();
}

/** torch.set_rng_state. */
export function set_rng_state(state: GeneratorState): void {
  defaultGenerator.setState(state);
}
