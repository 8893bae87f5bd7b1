// Emits the `gradlens` module's type declarations (engine/index.ts and everything it reaches) into dist/types/,
// which the extension's TypeScript server plugin (extension/tsserver-plugin.ts) resolves `gradlens` to, so model
// files get IntelliSense with nothing installed or written into the workspace. Run by `npm run package` and the e2e; about 5 s.
import ts from 'typescript';
import { mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'types');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const program = ts.createProgram([path.join(root, 'engine', 'index.ts')], {
  declaration: true,
  emitDeclarationOnly: true,
  outDir,
  rootDir: root,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  esModuleInterop: true,
  resolveJsonModule: true,
});
const result = program.emit();
const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
if (errors.length) {
  console.error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
  process.exit(1);
}
// A constant initialised with a big string literal (embedded data) is declared with that literal as its type:
// megabytes no editor needs. Declare it as a plain string instead.
const shrink = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) shrink(p);
    else if (name.endsWith('.d.ts') && statSync(p).size > 100_000) {
      const text = readFileSync(p, 'utf8').replace(/(declare const [\w$]+)\s*=\s*(["'`])(?:(?!\2)[^\\]|\\.){1000,}\2;/g, '$1: string;');
      writeFileSync(p, text);
    }
  }
};
shrink(outDir);

writeFileSync(path.join(outDir, 'index.d.ts'), "export * from './engine/index';\n");
console.log(`wrote gradlens type declarations to ${path.relative(root, outDir)}`);
