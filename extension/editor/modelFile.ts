// Recognises model files (TS/JS files importing 'gradlens') and finds their default export, without VS Code, so
// the CodeLens, the context key and the debug configuration agree and are tested on plain text.

const IMPORTS_GRADLENS = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]gradlens['"]/;
const DEFAULT_EXPORT = /^[ \t]*export\s+default\b|^[ \t]*module\.exports\s*=/m;
const MODEL_LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export function isModelLanguage(languageId: string): boolean {
  return MODEL_LANGUAGES.has(languageId);
}

export function isModelSource(text: string): boolean {
  return IMPORTS_GRADLENS.test(text);
}

/** 0-based line of the default export (the training definition), or undefined. */
export function defaultExportLine(text: string): number | undefined {
  const m = DEFAULT_EXPORT.exec(text);
  if (!m) return undefined;
  let line = 0;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
