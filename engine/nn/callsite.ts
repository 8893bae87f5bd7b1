// Where did the user construct this layer? The first stack frame outside the engine is the user's line. With
// source maps enabled in the engine process, that frame already points into the user's original .ts file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../../protocol/messages';

// A V8 frame is "at <fn> (<location>)" or "at <location>", where <location> is "<file>:<line>:<col>". File names
// may hold spaces and parentheses ("/home/Jane Doe/My Models (old)/xor.ts", "C:\Users\Jane Doe\m.ts"), so the
// location is found from the end of the line (its line and column) and, in the "<fn> (...)" form, from the first
// " (" after the function name: function names never hold " (", folder names may.
const WITH_FN = /^at (?:async )?(.*?) \((.+):(\d+):(\d+)\)$/;
const BARE = /^at (?:async )?(.+):(\d+):(\d+)$/;

export interface StackFrame extends SourceLocation {
  fn: string;
}

/** One frame of a V8 stack trace, or undefined for lines that are not frames with a location (native, eval). */
export function parseFrame(raw: string): StackFrame | undefined {
  const line = raw.trim();
  if (!line.startsWith('at ') || line.startsWith('at eval (eval at ')) return undefined;
  const withFn = WITH_FN.exec(line);
  const m = withFn ? { fn: withFn[1], file: withFn[2], line: withFn[3], col: withFn[4] } : bareFrame(line);
  if (!m) return undefined;
  let file = m.file;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return { file, line: Number(m.line), column: Number(m.col), fn: m.fn };
}

function bareFrame(line: string): { fn: string; file: string; line: string; col: string } | undefined {
  const m = BARE.exec(line);
  return m ? { fn: '<anonymous>', file: m[1], line: m[2], col: m[3] } : undefined;
}

export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const f = parseFrame(raw);
    if (f) frames.push(f);
  }
  return frames;
}

let engineDir: string | null = null;
let engineFile: string | null = null;

function isEngineFrame(file: string): boolean {
  if (engineDir === null && engineFile === null) {
    const self = parseStack(new Error().stack ?? '')[0]?.file ?? '';
    if (self.endsWith(`callsite.ts`)) engineDir = path.resolve(path.dirname(self), '..') + path.sep;
    else engineFile = self;
  }
  if (engineDir !== null && file.startsWith(engineDir)) return true;
  return file === engineFile;
}

function isInternal(file: string): boolean {
  // A file with no folder separator is V8's "<anonymous>" or a bare internal name; Windows paths use "\\".
  const hasDir = file.includes('/') || file.includes('\\');
  return file.startsWith('node:') || file.startsWith('internal/') || !hasDir || /[/\\]node_modules[/\\]/.test(file);
}

/** The first stack frame that belongs to the user's code (skipping the engine and Node internals). */
export function userFrame(stack: string | undefined): StackFrame | undefined {
  if (!stack) return undefined;
  for (const f of parseStack(stack)) {
    if (!isInternal(f.file) && !isEngineFrame(f.file)) return f;
  }
  return undefined;
}

export function captureCallSite(): SourceLocation | undefined {
  const prev = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack;
  Error.stackTraceLimit = prev;
  const f = userFrame(stack);
  return f ? { file: f.file, line: f.line, column: f.column } : undefined;
}
