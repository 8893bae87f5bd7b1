// Recognises model files (TS/JS files importing 'gradlens') and finds their default export or training loop, without VS Code, so
// the CodeLens, the context key and the debug configuration agree and are tested on plain text.

const IMPORTS_GRADLENS = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]gradlens['"]/;
const DEFAULT_EXPORT = /^[ \t]*export\s+default\b|^[ \t]*module\.exports\s*=/m;
/** A PyTorch script (issue 22): Python importing torch, run unchanged under the Python runner. */
const IMPORTS_TORCH = /^[ \t]*(?:import\s+torch\b|from\s+torch(?:\.\w+)*\s+import\b)/m;
const MODEL_LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'python']);

export function isModelLanguage(languageId: string): boolean {
  return MODEL_LANGUAGES.has(languageId);
}

/** A model file's text: TS/JS importing 'gradlens', or a Python script importing torch. */
export function isModelSource(text: string): boolean {
  return IMPORTS_GRADLENS.test(text) || IMPORTS_TORCH.test(text);
}

/** Whether a model file is a PyTorch script (run by the Python bridge) rather than a TS/JS model. */
export function isPythonModel(file: string): boolean {
  return /\.py$/i.test(file);
}

/** 0-based line of the default export (the training definition), or undefined. */
export function defaultExportLine(text: string): number | undefined {
  const m = DEFAULT_EXPORT.exec(text);
  if (!m) return undefined;
  let line = 0;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

// A `for` loop in TypeScript/JavaScript (`for (...)`) or Python (`for x in ...:`).
const LOOP = /^([ \t]*)for\s*(?:await\s*)?\(|^([ \t]*)for\s+.+\s+in\s+.+:\s*(?:#.*)?$/;

/**
 * 0-based line where the file trains, for the Train | Debug lenses: its default export (a definition), else the
 * outermost `for` loop above the first `.backward(` call (a script's own loop: the epoch loop in the seeds'
 * form), else undefined.
 */
export function trainingLine(text: string): number | undefined {
  const exported = defaultExportLine(text);
  if (exported !== undefined) return exported;
  const lines = text.split('\n');
  const backward = lines.findIndex((l) => /\.backward\s*\(/.test(l));
  if (backward < 0) return undefined;
  let best: { line: number; indent: number } | undefined;
  for (let i = 0; i < backward; i++) {
    const m = LOOP.exec(lines[i]);
    if (!m) continue;
    const indent = (m[1] ?? m[2] ?? '').replace(/\t/g, '    ').length;
    // Loops at the outermost indentation seen so far; the last one before the backward call encloses it.
    if (!best || indent <= best.indent) best = { line: i, indent };
  }
  return best?.line ?? backward;
}
