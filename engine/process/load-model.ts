// Runs the bundled model file as a CommonJS module named after the user's file (so Node's source-map support
// maps its frames back to that file) and resolves `gradlens` to the engine instance this process already loaded.
import Module from 'node:module';
import path from 'node:path';
import type { ErrorInfo, SourceLocation } from '../../protocol/messages';
import { userFrame } from '../nn/callsite';

interface CjsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
  require(id: string): unknown;
  _compile(code: string, filename: string): void;
}
interface CjsModuleCtor {
  new (id: string, parent: unknown): CjsModule;
  _nodeModulePaths(dir: string): string[];
}

export class ModelLoadError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'ModelLoadError';
  }
}

/** The first frame of `err`'s stack in the user's file (or any user file), mapped through the source map. */
export function userLocation(err: unknown, preferFile?: string): SourceLocation | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  if (preferFile) {
    for (const line of stack.split('\n')) {
      const idx = line.indexOf(preferFile + ':');
      if (idx < 0) continue;
      const m = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(idx + preferFile.length));
      if (m) return { file: preferFile, line: Number(m[1]), column: Number(m[2]) };
    }
  }
  const f = userFrame(stack);
  return f ? { file: f.file, line: f.line, column: f.column } : undefined;
}

/**
 * Evaluates the bundle and returns its exports (module.exports). Throws ModelLoadError for a failing module body,
 * except for errors `passThrough` claims (a script's training errors and stops), which are rethrown as they are.
 */
export function loadBundledModel(file: string, code: string, engine: unknown, passThrough?: (err: unknown) => boolean): Record<string, unknown> {
  const Ctor = Module as unknown as CjsModuleCtor;
  const m = new Ctor(file, null);
  m.filename = file;
  m.paths = Ctor._nodeModulePaths(path.dirname(file));
  const baseRequire = m.require.bind(m);
  m.require = (id: string): unknown => (id === 'gradlens' || id.startsWith('gradlens/') ? engine : baseRequire(id));
  try {
    m._compile(code, file);
  } catch (err) {
    if (passThrough?.(err)) throw err;
    const location = userLocation(err, file);
    const e = err as Error;
    throw new ModelLoadError({
      id: e?.name === 'ShapeError' ? 'shapeMismatch' : 'modelBuildFailed',
      message: `${location ? `${location.file}:${location.line}:${location.column}: ` : ''}Building the model failed: ${e?.message ?? String(err)}`,
      showUser: true,
      location,
      hint: 'The error was thrown while the model file ran (constructing layers or the data). Fix the line shown.',
      stack: e?.stack,
    });
  }
  m.loaded = true;
  const exp = m.exports;
  return (typeof exp === 'object' && exp !== null ? exp : { default: exp }) as Record<string, unknown>;
}
