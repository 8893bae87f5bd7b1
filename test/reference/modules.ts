// Building engine modules from the fixtures' constructor specs and calling them like user code does.
import { nn } from '../../engine/index';
import type { ArgJson } from './fixtures';

export interface LayerSpec {
  layer: string;
  args: ArgJson[];
  kwargs: Record<string, ArgJson>;
  children?: LayerSpec[];
}

export type AnyModule = nn.Module<unknown[], unknown>;
type ModuleCtor = new (...args: unknown[]) => AnyModule;

/** nn.<name> looked up by its PyTorch name; throws naming the class when the engine does not export it. */
export function moduleClass(name: string): ModuleCtor {
  const ctor = (nn as unknown as Record<string, ModuleCtor | undefined>)[name];
  if (typeof ctor !== 'function') throw new Error(`nn.${name} is not exported by the engine`);
  return ctor;
}

/** new nn.<layer>(...args, kwargs) exactly as a model file would write it (the options object only when given). */
export function buildLayer(s: LayerSpec): AnyModule {
  const ctor = moduleClass(s.layer);
  if (s.layer === 'Sequential') return new ctor(...(s.children ?? []).map(buildLayer));
  const args: unknown[] = [...s.args];
  if (Object.keys(s.kwargs).length > 0) args.push({ ...s.kwargs });
  return new ctor(...args);
}

/** Calls a module instance the way user code does (instances are callable, like PyTorch's). */
export function callModule(m: AnyModule, ...args: unknown[]): unknown {
  return (m as unknown as (...a: unknown[]) => unknown)(...args);
}
