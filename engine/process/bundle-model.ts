// Bundles the user's model file (TS or JS) with esbuild into one CommonJS script whose `gradlens` import stays a
// require('gradlens'), so the loader can hand it the engine already loaded in this process (one engine instance,
// one set of classes: instanceof Tensor holds across the user's code and the trainer). An inline source map lets
// Node map every stack frame, call site and error back to the user's own lines.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build, type Message } from 'esbuild';
import type { ErrorInfo } from '../../protocol/messages';

export interface BundledModel {
  file: string;
  code: string;
  ms: number;
}

export class ModelBundleError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'ModelBundleError';
  }
}

function toError(file: string, m: Message): ErrorInfo {
  const loc = m.location;
  const location = loc ? { file: path.resolve(path.dirname(file), loc.file), line: loc.line, column: loc.column + 1 } : undefined;
  const where = location ? `${location.file}:${location.line}:${location.column}` : file;
  const unresolved = /Could not resolve/.test(m.text);
  return {
    id: unresolved ? 'unresolvedImport' : 'syntaxError',
    message: `${where}: ${m.text}${loc?.lineText ? `\n    ${loc.lineText.trim()}` : ''}`,
    showUser: true,
    location,
    hint: unresolved
      ? 'Check the import path, or install the package in the workspace (imports from "gradlens" need nothing installed).'
      : 'Fix the syntax error at this line of the model file, then run again.',
  };
}

export async function bundleModel(modelFile: string): Promise<BundledModel> {
  const file = path.resolve(modelFile);
  if (!existsSync(file)) {
    throw new ModelBundleError({
      id: 'modelNotFound',
      message: `${file}: no such model file`,
      showUser: true,
      hint: 'Check the path (it is resolved against the workspace folder / current directory).',
    });
  }
  const t0 = performance.now();
  try {
    const result = await build({
      entryPoints: [file],
      absWorkingDir: path.dirname(file),
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      external: ['gradlens', 'gradlens/*'],
      logLevel: 'silent',
      // Keep class names: layer names in the UI come from constructor.name (a user's `class VAE extends nn.Module`).
      keepNames: true,
    });
    const out = result.outputFiles[0];
    return { file, code: out.text, ms: performance.now() - t0 };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) throw new ModelBundleError(toError(file, errors[0]));
    throw new ModelBundleError({
      id: 'bundleFailed',
      message: `Could not bundle ${file}: ${(err as Error).message}`,
      showUser: true,
      location: { file, line: 1, column: 1 },
      hint: 'Check that the file exists and is a TypeScript or JavaScript module.',
    });
  }
}
