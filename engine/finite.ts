// Arrays a kernel has already proved free of NaN and ±Inf. The wasm kernels scan their outputs with SIMD while
// the values are still in their heap; the autograd's NaN/Inf tracker then skips its own, much slower, pass over
// them. A WeakSet, so a mark never keeps an array alive. Code that writes into a kernel's output afterwards (a
// bias added in place: finite + finite can overflow) must forget the mark.
const known = new WeakSet<Float32Array>();

export function markFinite(a: Float32Array): Float32Array {
  known.add(a);
  return a;
}

export function knownFinite(a: Float32Array): boolean {
  return known.has(a);
}

export function forgetFinite(a: Float32Array): void {
  known.delete(a);
}
