// The wasm emitter's calls by name: a kernel calls another by its name, wherever the callee sits in the module,
// and a module with a call to an undefined function or two functions of one name is refused with the name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fn, buildModule } from '../../engine/backends/wasm/emitter';

const memory = { initial: 1, maximum: 1, shared: false };

function callerOf(callee: string): Fn {
  const f = new Fn('caller', ['i32'], ['i32']);
  f.get(0).call(callee);
  return f;
}

function double(name: string): Fn {
  const f = new Fn(name, ['i32'], ['i32'], false);
  f.get(0).get(0).i32Add();
  return f;
}

test('a call by name reaches its callee whether it is defined before or after the caller', async () => {
  for (const fns of [[callerOf('double'), double('double')], [double('double'), callerOf('double')]]) {
    const bytes = buildModule(fns, memory);
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 1 }) } });
    assert.equal((instance.exports.caller as (x: number) => number)(21), 42);
  }
});

test('a call to a function the module lacks, or two functions of one name, are errors naming it', () => {
  assert.throws(() => buildModule([callerOf('triple'), double('double')], memory), /a call to 'triple', which the module does not define/);
  assert.throws(() => buildModule([double('double'), double('double')], memory), /two functions named 'double'/);
});
