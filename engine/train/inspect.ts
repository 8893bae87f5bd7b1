// What the debugger shows while paused: tensor summaries (inspect), expressions evaluated against the live
// model (evaluate, the Debug Console), and logpoint/condition interpolation.
import type { EvaluateResult, TensorSummary } from '../../protocol/messages';
import { meanStd, moments } from '../monitor/tensor-stats';
import { Tensor } from '../tensor';

export function summarize(name: string, data: Float32Array, shape: readonly number[], full = false): TensorSummary {
  const m = moments(data);
  const { mean, std } = meanStd(m);
  const s: TensorSummary = {
    name,
    shape: [...shape],
    mean,
    std,
    min: m.finite ? m.min : 0,
    max: m.finite ? m.max : 0,
    norm: Math.sqrt(m.sumSq),
    nanCount: m.nan,
    infCount: m.inf,
  };
  // JSON has no NaN/Infinity: they travel as null and the counts say how many there were.
  if (full) s.values = Array.from(data, (v) => (Number.isFinite(v) ? v : (null as unknown as number)));
  return s;
}

export function summarizeTensor(name: string, t: Tensor, full = false): TensorSummary {
  return summarize(name, t.data, t.shape, full);
}

/** A short, one-line rendering of any value for the Debug Console and variables view. */
export function formatValue(v: unknown, depth = 0): string {
  if (v instanceof Tensor) {
    const s = summarizeTensor('', v);
    if (v.data.length === 1) return `tensor(${v.data[0]})`;
    return `Tensor[${v.shape.join(', ')}] mean=${s.mean.toPrecision(4)} std=${s.std.toPrecision(4)} norm=${s.norm.toPrecision(4)}`;
  }
  if (typeof v === 'function') {
    const name = (v as { displayName?: () => string }).displayName;
    return typeof name === 'function' ? name.call(v) : `[function ${(v as { name?: string }).name || 'anonymous'}]`;
  }
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return depth === 0 ? v : JSON.stringify(v);
  if (v instanceof Float32Array) return `Float32Array(${v.length})`;
  if (depth >= 2) return Array.isArray(v) ? `Array(${v.length})` : '{...}';
  if (Array.isArray(v)) return `[${v.slice(0, 10).map((x) => formatValue(x, depth + 1)).join(', ')}${v.length > 10 ? ', ...' : ''}]`;
  const entries = Object.entries(v as Record<string, unknown>).slice(0, 12);
  return `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`).join(', ')} }`;
}

/** Evaluates a JavaScript expression with `scope`'s names bound (model, layers, step, loss, optimizer, batch...). */
export function evaluateIn(expression: string, scope: Record<string, unknown>): unknown {
  const names = Object.keys(scope);
  // The user typed this expression into their own debugger, against their own model: it runs with the same
  // rights as the model file itself.
  const fn = new Function(...names, `"use strict"; return (${expression}\n);`) as (...args: unknown[]) => unknown;
  return fn(...names.map((n) => scope[n]));
}

export function evaluate(expression: string, scope: Record<string, unknown>): EvaluateResult {
  const value = evaluateIn(expression, scope);
  const result: EvaluateResult = { result: formatValue(value) };
  if (value instanceof Tensor) result.tensor = summarizeTensor(expression, value);
  return result;
}

/**
 * Logpoint text: each {expr} replaced by its value. Numbers print with 4 significant digits (a log line is read,
 * not parsed; `evaluate` keeps full precision), and `loss` before the first step's loss exists (the trainer holds NaN
 * until then) prints "none yet" rather than a NaN that reads like a diverged run.
 */
export function interpolate(template: string, scope: Record<string, unknown>): string {
  return template.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
    try {
      const value = evaluateIn(expr, scope);
      if (expr.trim() === 'loss' && scope.step === 0 && Number.isNaN(value)) return 'none yet';
      return typeof value === 'number' ? compactNumber(value) : formatValue(value);
    } catch (err) {
      return `<${(err as Error).message}>`;
    }
  });
}

function compactNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** VS Code-style hit conditions: "3" or "==3" (exactly the 3rd hit), ">=3", ">3", "<3", "%2" (every 2nd). */
export function hitConditionMet(cond: string | undefined, count: number): boolean {
  if (!cond || !cond.trim()) return true;
  const m = /^\s*(==|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return count >= n;
    case '>':
      return count > n;
    case '<=':
      return count <= n;
    case '<':
      return count < n;
    case '%':
      return n > 0 && count % n === 0;
    default:
      return count === n;
  }
}
