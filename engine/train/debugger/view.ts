// What the debugger shows while the run is stopped: the call stack (the layer it stopped in, saying forward or
// backward, then the training step, then the other layers), the names expressions see, and tensor summaries of a
// layer (inspect). It reads the training loop through DebugTarget, so a loop the user writes can serve it too.
import type { InspectWhat, SourceLocation, TensorSummary, FrameInfo } from '../../../protocol/messages';
import type { AnyModule } from '../../nn/module';
import type { Tensor } from '../../tensor';
import { layerId } from '../graph';
import { summarize } from '../inspect';
import type { LayerCapture } from '../probe';
import type { TravelLoop } from '../timetravel/time-travel';

/** What the controller needs of the training loop it stops. */
export interface DebugTarget {
  /** The training step being taken (the number paused messages and frames carry). */
  step(): number;
  /** The model (a script's first, before its first step none): inspect finds a layer by its module path in it. */
  readonly model: AnyModule | undefined;
  /** The layers shown as frames and named in `layers`, in forward order once it is known. */
  layers(): readonly AnyModule[];
  /** Where the training step is written in the user's file (the frame below a layer's). */
  readonly stepSource: SourceLocation;
  /** The names that expressions, conditions, logpoints and Variables see (model, layers, step, loss, ...). */
  scope(): Record<string, unknown>;
  /** What the probe kept of a layer on this step: its output and output gradient. */
  captured(layer: AnyModule): LayerCapture | undefined;
  /** Sets the learning rate of every parameter group (the debugger's lr variable). */
  setLearningRate(lr: number): void;
  /** The state the loop lends to time travel (snapshots, Step Back); absent, the run cannot go back. */
  readonly travel?: TravelLoop;
}

/**
 * Where a stopped run stands: between steps (a batch start or the end of a step), or inside one layer's pass,
 * with the tensor that is there: the layer's input before its forward, its output gradient in the backward pass.
 */
export type StopPlace =
  | { at: 'step' }
  | { at: 'forward'; layer: AnyModule; input: unknown }
  | { at: 'backward'; layer: AnyModule; outGrad: Tensor };

/** `layers` in the scope: each tracked layer under its id and (first of that name) its display name. */
export function layersByName(tracked: readonly AnyModule[]): Record<string, AnyModule> {
  const layers: Record<string, AnyModule> = {};
  for (const m of tracked) {
    layers[layerId(m)] = m;
    layers[m.displayName()] ??= m;
  }
  return layers;
}

/** Names bound inside a layer stop, over the loop's: the layer, and its input (also `x`) or output gradient. */
export function placeScope(place: StopPlace): Record<string, unknown> {
  if (place.at === 'forward') return { layer: place.layer, input: place.input, x: place.input };
  if (place.at === 'backward') return { layer: place.layer, outGrad: place.outGrad, grad: place.outGrad };
  return {};
}

function layerFrameName(m: AnyModule, pass?: 'forward' | 'backward'): string {
  return `${m.displayName()} (${layerId(m)})${pass ? ` · ${pass}` : ''}`;
}

export function frames(target: DebugTarget, place: StopPlace): FrameInfo[] {
  const out: FrameInfo[] = [];
  const layer = place.at === 'step' ? undefined : place.layer;
  if (place.at !== 'step') {
    out.push({ id: 0, name: layerFrameName(place.layer, place.at), layerId: layerId(place.layer), source: place.layer.source });
  }
  out.push({ id: out.length, name: `train step ${target.step()}`, source: target.stepSource });
  for (const m of target.layers()) {
    if (m === layer) continue;
    out.push({ id: out.length, name: layerFrameName(m), layerId: layerId(m), source: m.source });
  }
  return out;
}

/** A layer's weight, its gradient, its output (activation) or output gradient, as the debugger's summary. */
export function inspectLayer(target: DebugTarget, place: StopPlace, id: string, what: InspectWhat, full: boolean): TensorSummary {
  const m = target.layers().find((t) => layerId(t) === id) ?? target.model?.named_modules().find(([n]) => n === id)?.[1];
  if (!m) throw new Error(`No layer "${id}"`);
  const step = target.step();
  if (what === 'weight' || what === 'grad') {
    const params = m.named_own_parameters();
    const [name, p] = params.find(([n]) => n === 'weight') ?? params[0] ?? [];
    if (!p || !name) throw new Error(`${m.displayName()} has no parameters`);
    if (what === 'weight') return summarize(`${id}.${name}`, p.data, p.shape, full);
    if (!p._grad) throw new Error(`${id}.${name} has no gradient yet on step ${step} (the backward pass has not reached it)`);
    return summarize(`${id}.${name}.grad`, p._grad.data, p.shape, full);
  }
  const here = place.at !== 'step' && place.layer === m;
  if (what === 'outGrad' && here && place.at === 'backward') return summarize(`${id}.outGrad`, place.outGrad.data, place.outGrad.shape, full);
  const c = target.captured(m);
  const data = what === 'activation' ? c?.act : c?.outGrad;
  if (!data) {
    if (here && place.at === 'forward') {
      throw new Error(`${m.displayName()} has not run yet on step ${step}: stopped before its forward (its input is \`input\`)`);
    }
    const word = what === 'activation' ? 'output (activation)' : 'output gradient';
    throw new Error(`No ${word} of ${id} was recorded on step ${step}: layer tensors are kept on statistics steps and while stepping by layer`);
  }
  const shape = what === 'activation' ? c?.actShape : c?.outGradShape;
  return summarize(`${id}.${what}`, data, shape ?? [data.length], full);
}
