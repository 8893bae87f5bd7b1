// Where did the user construct this layer? The first stack frame outside the engine is the user's line. With
// source maps enabled in the engine process, that frame already points into the user's original .ts file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../../protocol/messages';

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

export interface StackFrame extends SourceLocation {
  fn: string;
}

export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    const fnMatch = /^at (?:async )?(.*?) \(/.exec(line);
    frames.push({ file, line: Number(m[2]), column: Number(m[3]), fn: fnMatch ? fnMatch[1] : '<anonymous>' });
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
  return file.startsWith('node:') || file.startsWith('internal/') || !file.includes('/') || file.includes('/node_modules/');
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
