// Errors a user can act on. Each names the layer and where the user declared it.
import { formatLocation } from '../protocol/messages';
import { currentLayer, type LayerContext } from './context';

function where(layer: LayerContext | undefined): string {
  if (!layer) return '';
  return ` in ${layer.name}${layer.id ? ` (${layer.id})` : ''}${layer.source ? ` declared at ${formatLocation(layer.source)}` : ''}`;
}

/** Shapes that do not fit together. */
export class ShapeError extends Error {
  readonly layer: LayerContext | undefined;
  constructor(
    readonly op: string,
    readonly detail: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    const layer = currentLayer();
    const shapes = expected !== undefined ? `: expected ${expected}, got ${actual}` : '';
    super(`Shape mismatch in ${op}${where(layer)}: ${detail}${shapes}`);
    this.name = 'ShapeError';
    this.layer = layer;
  }
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
