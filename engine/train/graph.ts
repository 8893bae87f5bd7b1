// The model graph sent at start: every module below the root with its id (module path), name, type, parent,
// shapes from the first forward pass, own parameters and the user's source line.
import type { LayerInfo, ModelGraph } from '../../protocol/messages';
import type { AnyModule } from './probe';

/** Layers that get statistics: leaves (Linear, ReLU...) and any module owning parameters directly. */
export function trackedModules(model: AnyModule): AnyModule[] {
  const out: AnyModule[] = [];
  for (const [, m] of model.named_modules()) {
    if (m.children().length === 0 || m.named_own_parameters().length > 0) out.push(m);
  }
  return out;
}

export function buildGraph(
  model: AnyModule,
  shapes: { input: ReadonlyMap<AnyModule, number[]>; output: ReadonlyMap<AnyModule, number[]> },
): ModelGraph {
  const layers: LayerInfo[] = [];
  let total = 0;
  const modules = model.named_modules();
  const byName = new Map(modules);
  for (const [name, m] of modules) {
    // A second model of the run (a GAN's discriminator) has its paths prefixed (session.ts): ids are the modules'.
    const id = m._id || name;
    // The root is shown only when it is itself a layer (a bare nn.Linear as the model).
    if (name === '' && m.children().length > 0) continue;
    const params = m.named_own_parameters().map(([name, p]) => ({ name, shape: p.shape.slice() }));
    const paramCount = m.named_own_parameters().reduce((n, [, p]) => n + p.data.length, 0);
    total += paramCount;
    const dot = name.lastIndexOf('.');
    const info: LayerInfo = { id: id || m.typeName, name: m.displayName(), type: m.typeName, params, paramCount };
    if (dot > 0) info.parent = byName.get(name.slice(0, dot))?._id || name.slice(0, dot);
    const inShape = shapes.input.get(m);
    const outShape = shapes.output.get(m);
    if (inShape) info.inputShape = inShape;
    if (outShape) info.outputShape = outShape;
    if (m.source) info.source = m.source;
    layers.push(info);
  }
  return { layers, totalParams: total };
}

/** The graph of every model of a run (a GAN's two), one list of layers, the ids already told apart (session.ts). */
export function buildRunGraph(
  roots: readonly AnyModule[],
  shapes: { input: ReadonlyMap<AnyModule, number[]>; output: ReadonlyMap<AnyModule, number[]> },
): ModelGraph {
  const graphs = roots.map((r) => buildGraph(r, shapes));
  return { layers: graphs.flatMap((g) => g.layers), totalParams: graphs.reduce((n, g) => n + g.totalParams, 0) };
}

/** The layer id used in telemetry for a module (its path; the class name for a root that is a layer). */
export function layerId(m: AnyModule): string {
  return m._id || m.typeName;
}
