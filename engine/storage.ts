// Storage for long-lived float buffers: parameters and optimizer state. A backend with its own memory (the wasm
// heap) provides them there, so its kernels read and update them in place instead of copying them in and out on
// every call; without one they are ordinary Float32Arrays. Either way the caller gets a zero-filled Float32Array.
import { residentProvider } from './kernels/registry';

export function residentFloat32(length: number): Float32Array {
  return residentOnly(length) ?? new Float32Array(length);
}

/** A zero-filled resident buffer, or null when no backend keeps resident storage. */
export function residentOnly(length: number): Float32Array | null {
  const provide = residentProvider();
  return provide ? provide(length) : null;
}

/** A resident copy of `src`. */
export function residentCopy(src: ArrayLike<number>): Float32Array {
  const out = residentFloat32(src.length);
  out.set(src);
  return out;
}
