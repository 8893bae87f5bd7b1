// Number and location formatting shared by tooltips, labels and the status line.
import type { SourceLocation } from '../protocol/messages';

export function fmtNum(v: number | undefined): string {
  if (v === undefined || v !== v) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  if (a >= 100) return String(Number(v.toFixed(1)));
  return String(Number(v.toPrecision(4)));
}

export function fmtInt(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–';
}

export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

export function shortLocation(loc: SourceLocation | undefined): string {
  return loc ? `${baseName(loc.file)}:${loc.line}` : '';
}

/** Ticks label for log10 values: 1e-3, 0.01, 0.1, 1, 10, 100, 1e3. */
export function fmtDecade(exp: number): string {
  if (exp >= -2 && exp <= 2) return String(Math.pow(10, exp));
  return `1e${exp}`;
}
