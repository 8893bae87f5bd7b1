// A minimal WebAssembly binary emitter: enough of the format (types, one imported shared memory, functions,
// exports) and of the instruction set (integer control flow, f32 and v128 arithmetic) to generate the kernels
// at start-up. Generating at run time lets tile sizes and FMA be picked for the running Node version, with no
// build step and no dependency.

export type ValType = 'i32' | 'f32' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (const b of body) out.push(b);
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** One function body. Locals are declared by `local()` and addressed by index; params come first. */
export class Fn {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  /** Where in `code` a call's function index goes, and the callee's name. */
  private readonly calls: { at: number; callee: string }[] = [];
  constructor(
    readonly name: string,
    readonly params: ValType[],
    readonly results: ValType[] = [],
    readonly exported = true,
  ) {}

  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  private op(...b: number[]): this {
    for (const x of b) this.code.push(x);
    return this;
  }
  private simd(sub: number, ...rest: number[]): this {
    this.code.push(0xfd);
    uleb(this.code, sub);
    return this.op(...rest);
  }
  private mem(opcode: number, align: number, offset: number, isSimd = false): this {
    if (isSimd) {
      this.code.push(0xfd);
      uleb(this.code, opcode);
    } else this.code.push(opcode);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  // control
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if_(): this { return this.op(0x04, 0x40); }
  /** `if` whose two arms each leave one f32. */
  ifF32(): this { return this.op(0x04, 0x7d); }
  else_(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, depth); }
  brIf(depth: number): this { return this.op(0x0d, depth); }
  /** Calls the module's function named `callee`; its index is filled in when the module is built. */
  call(callee: string): this {
    this.code.push(0x10);
    this.calls.push({ at: this.code.length, callee });
    return this;
  }
  // bulk memory (memory index 0): the engine's own memset and memmove, far faster than a JavaScript fill or set
  // on a shared buffer, which V8 runs element by element
  memoryFill(): this { return this.op(0xfc, 0x0b, 0x00); }
  memoryCopy(): this { return this.op(0xfc, 0x0a, 0x00, 0x00); }
  // locals
  get(i: number): this { this.code.push(0x20); uleb(this.code, i); return this; }
  set(i: number): this { this.code.push(0x21); uleb(this.code, i); return this; }
  tee(i: number): this { this.code.push(0x22); uleb(this.code, i); return this; }
  // i32
  i32(v: number): this { this.code.push(0x41); sleb(this.code, v | 0); return this; }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32LtS(): this { return this.op(0x48); }
  i32GeS(): this { return this.op(0x4e); }
  // f32
  f32(v: number): this {
    this.code.push(0x43);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(...b);
  }
  f32Load(offset = 0): this { return this.mem(0x2a, 2, offset); }
  f32Store(offset = 0): this { return this.mem(0x38, 2, offset); }
  // v128
  v128Load(offset = 0): this { return this.mem(0x00, 4, offset, true); }
  v128Store(offset = 0): this { return this.mem(0x0b, 4, offset, true); }
  load32Splat(offset = 0): this { return this.mem(0x09, 2, offset, true); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Min(): this { return this.simd(0xe8); }
  i32x4Sub(): this { return this.simd(0xb1); }
  /** The two low f32 lanes widened to f64x2. */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Abs(): this { return this.simd(0xec); }
  /** f32x4.pmin(a, b) = b < a ? b : a: one minps (wasm's f32x4.min needs ~7 instructions for its NaN and -0 rules). */
  f32x4Pmin(): this { return this.simd(0xea); }
  /** f32x4.pmax(a, b) = a < b ? b : a. */
  f32x4Pmax(): this { return this.simd(0xeb); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Neg(): this { return this.simd(0xe1); }
  i32x4Shl(): this { return this.simd(0xab); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Eq(): this { return this.simd(0x41); }
  f32x4Ne(): this { return this.simd(0x42); }
  v128And(): this { return this.simd(0x4e); }
  /** v128.bitselect(a, b, mask): bits of a where mask is set, else of b. */
  v128Bitselect(): this { return this.simd(0x52); }
  /** i8x16.shuffle of two vectors; lanes index 0-15 (first) and 16-31 (second). */
  i8x16Shuffle(lanes: number[]): this { return this.simd(0x0d, ...lanes); }
  i32x4Splat(): this { return this.simd(0x11); }
  i32x4Add(): this { return this.simd(0xae); }
  v128Or(): this { return this.simd(0x50); }
  v128AnyTrue(): this { return this.simd(0x53); }
  i32x4Eq(): this { return this.simd(0x37); }
  i32x4MaxU(): this { return this.simd(0xb9); }
  /** v128.const with four i32 lanes. */
  i32x4ConstLanes(l: [number, number, number, number]): this {
    const b = new Uint8Array(new Int32Array(l).buffer);
    return this.simd(0x0c, ...b);
  }
  /** v128.const with four equal i32 lanes. */
  i32x4Const(v: number): this {
    const lane = new Uint8Array(new Int32Array([v]).buffer);
    return this.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }
  /** v128.const with four equal f32 lanes (the same bytes as the i32 lanes holding v's bits). */
  f32x4Const(v: number): this {
    return this.i32x4Const(new Int32Array(new Float32Array([v]).buffer)[0]);
  }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  i32Eq(): this { return this.op(0x46); }
  /** select(a, b, cond): a when cond != 0. */
  select(): this { return this.op(0x1b); }
  i32Store(offset = 0): this { return this.mem(0x36, 2, offset); }
  i32Load(offset = 0): this { return this.mem(0x28, 2, offset); }
  f32Gt(): this { return this.op(0x5e); }
  f32Ne(): this { return this.op(0x5c); }
  f32Eq(): this { return this.op(0x5b); }
  i32And(): this { return this.op(0x71); }
  i32Xor(): this { return this.op(0x73); }
  i32ReinterpretF32(): this { return this.op(0xbc); }
  f32ReinterpretI32(): this { return this.op(0xbe); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32Or(): this { return this.op(0x72); }
  f32Add(): this { return this.op(0x92); }
  /** relaxed-SIMD a*b+c (fused or not, as the CPU does it). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  /** Emits `for (i = start; i < end; i += step) body()` with i32 locals; end is re-read each iteration. */
  forRange(i: number, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    this.block();
    this.get(i);
    end();
    this.i32GeS().brIf(0);
    this.loop();
    body();
    this.get(i).i32(step).i32Add().tee(i);
    end();
    this.i32LtS().brIf(0);
    this.end().end();
    return this;
  }

  /** The body as bytes, with each call's function index looked up by name. */
  encode(indexOf: (name: string) => number): number[] {
    const out: number[] = [];
    const groups: [ValType, number][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[0] === t) last[1]++;
      else groups.push([t, 1]);
    }
    uleb(out, groups.length);
    for (const [t, n] of groups) {
      uleb(out, n);
      out.push(VALTYPE[t]);
    }
    let from = 0;
    for (const { at, callee } of this.calls) {
      for (let i = from; i < at; i++) out.push(this.code[i]);
      uleb(out, indexOf(callee));
      from = at;
    }
    for (let i = from; i < this.code.length; i++) out.push(this.code[i]);
    out.push(0x0b);
    const sized: number[] = [];
    uleb(sized, out.length);
    return sized.concat(out);
  }
}

/**
 * A module importing one shared memory `env.memory` and defining the given functions, whose names must be unique:
 * calls and exports refer to them by name.
 */
export function buildModule(fns: Fn[], memory: { initial: number; maximum: number; shared: boolean }): Uint8Array<ArrayBuffer> {
  const index = new Map<string, number>();
  fns.forEach((f, i) => {
    if (index.has(f.name)) throw new Error(`wasm module: two functions named '${f.name}'`);
    index.set(f.name, i);
  });
  const indexOf = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`wasm module: a call to '${name}', which the module does not define`);
    return i;
  };
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const sigs: string[] = [];
  const typeBody: number[] = [];
  const fnTypes: number[] = [];
  for (const f of fns) {
    const key = f.params.join(',') + '->' + f.results.join(',');
    let idx = sigs.indexOf(key);
    if (idx < 0) {
      idx = sigs.length;
      sigs.push(key);
      typeBody.push(0x60);
      uleb(typeBody, f.params.length);
      for (const p of f.params) typeBody.push(VALTYPE[p]);
      uleb(typeBody, f.results.length);
      for (const r of f.results) typeBody.push(VALTYPE[r]);
    }
    fnTypes.push(idx);
  }
  const types: number[] = [];
  uleb(types, sigs.length);
  section(out, 1, types.concat(typeBody));

  const imports: number[] = [1];
  name(imports, 'env');
  name(imports, 'memory');
  imports.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(imports, memory.initial);
  uleb(imports, memory.maximum);
  section(out, 2, imports);

  const funcs: number[] = [];
  uleb(funcs, fns.length);
  for (const t of fnTypes) uleb(funcs, t);
  section(out, 3, funcs);

  const exported = fns.map((f, i) => [f, i] as const).filter(([f]) => f.exported);
  const exps: number[] = [];
  uleb(exps, exported.length);
  for (const [f, i] of exported) {
    name(exps, f.name);
    exps.push(0x00);
    uleb(exps, i);
  }
  section(out, 7, exps);

  const code: number[] = [];
  uleb(code, fns.length);
  for (const f of fns) for (const b of f.encode(indexOf)) code.push(b);
  section(out, 10, code);

  // The custom "name" section (function names, subsection 1): profilers and stack traces then show `gemm4x8`
  // instead of `wasm-function[36]`, which is what a `--cpu-prof` of a training step needs to be read. It does not
  // change what the module computes.
  const fnNames: number[] = [];
  uleb(fnNames, fns.length);
  fns.forEach((f, i) => {
    uleb(fnNames, i);
    name(fnNames, f.name);
  });
  const names: number[] = [];
  name(names, 'name');
  names.push(0x01);
  uleb(names, fnNames.length);
  for (const b of fnNames) names.push(b);
  section(out, 0, names);
  return new Uint8Array(out);
}
