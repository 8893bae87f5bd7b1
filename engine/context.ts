// The module currently running its forward pass. Ops record it so a NaN, a shape error or a breakpoint can name
// the user's layer and its source line. Kept in its own file so autograd and nn do not import each other.
import type { SourceLocation } from '../protocol/messages';

export interface LayerContext {
  /** Module path, e.g. "0" or "encoder.fc1" ("" for the root). */
  id: string;
  /** e.g. "Linear(784, 256)". */
  name: string;
  source?: SourceLocation;
}

const stack: LayerContext[] = [];

export function pushLayer(ctx: LayerContext): void {
  stack.push(ctx);
}

export function popLayer(): void {
  stack.pop();
}

export function currentLayer(): LayerContext | undefined {
  return stack[stack.length - 1];
}

/** How many module calls are running (1 inside a top-level module's own forward, 0 outside any). */
export function layerDepth(): number {
  return stack.length;
}

/** Clears the stack after an exception unwound through forward passes. */
export function resetLayerStack(): void {
  stack.length = 0;
}
