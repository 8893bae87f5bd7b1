// The debugger's Variables view: the scopes of a stop (the layer stopped in, Metrics, Layers, Optimizer, Batch) and
// their children, as DAP variables. Layers' tensors come from the engine's typed `inspect`, Optimizer and Batch from
// its typed `variables` tree; big tensors page by rows. References live until the next stop (reset()).
import * as path from 'node:path';
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { InspectWhat, TensorSummary, VariableInfo } from '../../protocol/messages';
import { fmt, shape, tensorSummaryText } from '../run/format';
import type { TrainingRuntime } from './runtime';

/** What a variables reference points at. */
export type VarRef =
  | { kind: 'metrics' }
  | { kind: 'layers' }
  | { kind: 'layer'; layerId: string }
  | { kind: 'tensor'; layerId: string; what: InspectWhat }
  | { kind: 'summary'; summary: TensorSummary; layerId?: string; what?: InspectWhat; expression?: string }
  | { kind: 'values'; values: number[]; shape: number[] }
  | { kind: 'optimizer' }
  /** A node of the engine's variables tree (its `variables` command; '' is the root). */
  | { kind: 'engine'; ref: string };

const TENSORS: [InspectWhat, string][] = [
  ['weight', 'weights'],
  ['grad', 'gradients'],
  ['activation', 'activations'],
  ['outGrad', 'output gradient'],
];
/** Values shown per expandable chunk: a [784, 256] weight must not become 200k rows at once. */
const CHUNK = 100;

export class VariablesTree {
  private readonly refs = new Handles<VarRef>();

  constructor(private readonly runtime: TrainingRuntime) {}

  /** Forgets every reference (a new stop: VS Code asks for the scopes again). */
  reset(): void {
    this.refs.reset();
  }

  /** What a reference points at, for setVariable (only the learning rate can be set). */
  kindOf(reference: number): VarRef['kind'] | undefined {
    return this.refs.get(reference)?.kind;
  }

  /** A reference to an evaluated tensor's summary (the Debug Console expands it). */
  summaryRef(summary: TensorSummary, expression: string): number {
    return this.refs.create({ kind: 'summary', summary, expression });
  }

  /** The scopes of a frame: its layer's first when it is in one. */
  scopes(layerId: string | undefined): DebugProtocol.Scope[] {
    const scopes: DebugProtocol.Scope[] = [];
    if (layerId !== undefined) {
      const layer = this.runtime.graphLayers.find((l) => l.id === layerId);
      scopes.push(new Scope(`Layer ${layer?.name ?? layerId}`, this.refs.create({ kind: 'layer', layerId }), false));
    }
    scopes.push(new Scope('Metrics', this.refs.create({ kind: 'metrics' }), false));
    scopes.push(new Scope('Layers', this.refs.create({ kind: 'layers' }), false));
    scopes.push(new Scope('Optimizer', this.refs.create({ kind: 'optimizer' }), false));
    scopes.push(new Scope('Batch', this.refs.create({ kind: 'engine', ref: JSON.stringify(['batch']) }), true));
    return scopes;
  }

  /** The children of a variables reference (none for one that is gone). */
  async children(args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    const ref = this.refs.get(args.variablesReference);
    return ref ? this.variablesOf(ref, args) : [];
  }

  private async variablesOf(ref: VarRef, args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    switch (ref.kind) {
      case 'metrics': {
        const m = this.runtime.metrics;
        const stop = this.runtime.stopInfo;
        return [
          plain('step', String(stop?.step ?? m.step ?? '-')),
          plain('loss', fmt(m.loss)),
          plain('lr', m.lr === undefined ? '-' : String(m.lr)),
          ...(stop?.anomaly ? [plain('anomaly', stop.anomaly.message)] : []),
        ];
      }
      case 'layers':
        return this.runtime.graphLayers.map((l) => ({
          name: l.id,
          value: `${l.name}${l.outputShape ? ' -> ' + shape(l.outputShape) : ''} (${l.paramCount} params)`,
          variablesReference: this.refs.create({ kind: 'layer', layerId: l.id }),
        }));
      case 'layer': {
        const layer = this.runtime.graphLayers.find((l) => l.id === ref.layerId);
        const out: DebugProtocol.Variable[] = [];
        if (this.runtime.stopInfo?.frames[0]?.layerId === ref.layerId) {
          // Stopped before this layer's forward: the engine binds the layer's input as `input` (not at a backward stop).
          const input = await this.runtime.evaluate('input').catch(() => undefined);
          if (input?.tensor) {
            out.push({ name: 'input', value: tensorSummaryText(input.tensor), variablesReference: this.refs.create({ kind: 'summary', summary: input.tensor, expression: 'input' }) });
          }
        }
        for (const [what, label] of TENSORS) {
          if ((what === 'weight' || what === 'grad') && layer && layer.paramCount === 0) continue;
          try {
            const s = await this.runtime.inspect(ref.layerId, what);
            out.push({
              name: label,
              value: tensorSummaryText(s),
              variablesReference: this.refs.create({ kind: 'summary', summary: s, layerId: ref.layerId, what }),
            });
          } catch (e) {
            out.push(plain(label, errorText(e)));
          }
        }
        if (layer?.params.length) {
          out.push(plain('parameters', layer.params.map((p) => `${p.name} ${shape(p.shape)}`).join(', ')));
        }
        if (layer?.source) out.push(plain('source', `${path.basename(layer.source.file)}:${layer.source.line}`));
        return out;
      }
      case 'tensor': {
        const s = await this.runtime.inspect(ref.layerId, ref.what);
        return this.summaryChildren({ kind: 'summary', summary: s, layerId: ref.layerId, what: ref.what });
      }
      case 'summary':
        return this.summaryChildren(ref);
      case 'values':
        return this.valueChildren(ref.values, ref.shape, args);
      case 'optimizer':
        return this.optimizerVariables();
      case 'engine':
        return this.engineVariables(ref.ref);
    }
  }

  private async summaryChildren(ref: Extract<VarRef, { kind: 'summary' }>): Promise<DebugProtocol.Variable[]> {
    const s = ref.summary;
    const out = [
      plain('shape', shape(s.shape)),
      plain('mean', fmt(s.mean)),
      plain('std', fmt(s.std)),
      plain('min', fmt(s.min)),
      plain('max', fmt(s.max)),
      plain('norm', fmt(s.norm)),
      plain('NaN count', String(s.nanCount)),
      plain('Inf count', String(s.infCount)),
    ];
    let values = s.values;
    if (!values && ref.layerId !== undefined && ref.what) {
      values = (await this.runtime.inspect(ref.layerId, ref.what, true)).values;
    }
    if (values) {
      out.push({
        name: 'values',
        value: shape(s.shape),
        variablesReference: this.refs.create({ kind: 'values', values, shape: s.shape }),
        indexedVariables: s.shape.length > 1 ? s.shape[0] : values.length,
      });
    }
    return out;
  }

  /** Rows of a row-major tensor: the first dimension indexes, the rest expands further (paged by VS Code). */
  private valueChildren(values: number[], dims: number[], args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const rows = dims.length > 1 ? dims[0] : values.length;
    const start = args.start ?? 0;
    const count = args.count ?? Math.min(rows, CHUNK);
    const out: DebugProtocol.Variable[] = [];
    const inner = dims.slice(1);
    const rowSize = inner.reduce((a, b) => a * b, 1);
    for (let i = start; i < Math.min(rows, start + count); i++) {
      if (dims.length > 1) {
        const row = values.slice(i * rowSize, (i + 1) * rowSize);
        out.push({
          name: `[${i}]`,
          value: `${shape(inner)} ${row.slice(0, 6).map(fmt).join(', ')}${row.length > 6 ? ', …' : ''}`,
          variablesReference: this.refs.create({ kind: 'values', values: row, shape: inner }),
          indexedVariables: inner.length > 1 ? inner[0] : row.length,
        });
      } else {
        out.push(plain(`[${i}]`, fmt(values[i])));
      }
    }
    return out;
  }

  /** The optimizer's class and its first parameter group's settings (lr, momentum...), from the engine's tree. */
  private async optimizerVariables(): Promise<DebugProtocol.Variable[]> {
    try {
      const roots = await this.runtime.variables('');
      const type = roots.variables.find((v) => v.name === 'optimizer')?.type;
      const group = await this.runtime.variables(JSON.stringify(['optimizer', 'param_groups', '0']));
      return [
        ...(type ? [plain('type', type)] : []),
        ...group.variables.filter((v) => v.name !== 'params').map((v) => this.engineVariable(v)),
      ];
    } catch (e) {
      return [plain('unavailable', errorText(e))];
    }
  }

  private async engineVariables(ref: string): Promise<DebugProtocol.Variable[]> {
    try {
      return (await this.runtime.variables(ref)).variables.map((v) => this.engineVariable(v));
    } catch (e) {
      return [plain('unavailable', errorText(e))];
    }
  }

  private engineVariable(v: VariableInfo): DebugProtocol.Variable {
    return {
      name: v.name,
      // A tensor reads as its shape (a batch's x is "[16, 2]"); its statistics are one level down.
      value: v.shape ? shape(v.shape) : v.value,
      ...(v.type ? { type: v.type } : {}),
      variablesReference: v.ref ? this.refs.create({ kind: 'engine', ref: v.ref }) : 0,
    };
  }
}

function plain(name: string, value: string): DebugProtocol.Variable {
  return { name, value, variablesReference: 0 };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
