// The debugger's variables tree while paused: the evaluate scope (model, layers, step, loss, optimizer, batch,
// and inside a layer its input) explored node by node. A ref is the JSON-encoded path from the scope, so it stays
// valid for as long as the pause lasts and needs no bookkeeping.
import type { VariableInfo, VariablesResult } from '../../protocol/messages';
import { Module, type AnyModule } from '../nn/module';
import { Tensor } from '../tensor';
import { formatValue, summarizeTensor } from './inspect';

const MAX_CHILDREN = 200;

function children(v: unknown): Array<[string, unknown]> {
  if (v instanceof Tensor) {
    const s = summarizeTensor('', v);
    const out: Array<[string, unknown]> = [
      ['shape', v.shape.slice()],
      ['mean', s.mean],
      ['std', s.std],
      ['min', s.min],
      ['max', s.max],
      ['norm', s.norm],
      ['nanCount', s.nanCount],
      ['infCount', s.infCount],
      ['requires_grad', v.requires_grad],
    ];
    if (v.grad) out.push(['grad', v.grad]);
    return out;
  }
  if (v instanceof Module) {
    const m = v as AnyModule;
    return [...m.named_own_parameters(), ...m.named_children(), ['training', m.training], ['source', m.source]];
  }
  if (Array.isArray(v)) return v.slice(0, MAX_CHILDREN).map((x, i) => [String(i), x]);
  if (v instanceof Float32Array) return [];
  if (typeof v === 'object' && v !== null) return Object.entries(v).slice(0, MAX_CHILDREN);
  return [];
}

function expandable(v: unknown): boolean {
  return v instanceof Tensor || v instanceof Module || (typeof v === 'object' && v !== null && !(v instanceof Float32Array) && children(v).length > 0);
}

function resolve(scope: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = scope;
  for (const seg of path) {
    const next = children(v).find(([k]) => k === seg);
    if (!next) throw new Error(`No variable ${path.join('.')}`);
    v = next[1];
  }
  return v;
}

export function variables(scope: Record<string, unknown>, ref: string): VariablesResult {
  const path = ref ? (JSON.parse(ref) as string[]) : [];
  const node = path.length ? resolve(scope, path) : scope;
  const list: VariableInfo[] = children(node).map(([name, v]) => {
    const info: VariableInfo = { name, value: formatValue(v, 1) };
    const type = className(v);
    if (type) info.type = type;
    if (v instanceof Tensor) info.shape = v.shape.slice();
    if (expandable(v)) info.ref = JSON.stringify([...path, name]);
    return info;
  });
  return { variables: list };
}

/** The class of an instance ("SGD", "Tensor", "Linear"); none for plain objects, arrays and primitives. */
function className(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
  // The engine's own classes may carry a leading underscore (_Tensor, behind torch.Tensor): users know them without.
  const shown = name?.replace(/^_+/, '');
  return shown && shown !== 'Object' ? shown : undefined;
}
