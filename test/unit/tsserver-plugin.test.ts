// The TypeScript server plugin, inside a real TypeScript language service: `gradlens` resolves to the shipped
// declarations when nothing else provides it, and never over the user's own package or other missing modules.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import plugin, { addGradlensResolution, shippedTypesEntry } from '../../extension/tsserver-plugin';

const MODEL = `import { nn } from 'gradlens';
const layer: nn.BatchNorm2d = new nn.BatchNorm2d(4);
export default layer;
`;

function workspace(): { dir: string; types: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-tsplugin-'));
  const types = path.join(dir, 'ext', 'dist', 'types', 'index.d.ts');
  mkdirSync(path.dirname(types), { recursive: true });
  writeFileSync(types, 'export declare namespace nn { class BatchNorm2d { constructor(n: number); readonly shipped: true } }\n');
  writeFileSync(path.join(dir, 'model.ts'), MODEL);
  return { dir, types };
}

/** A language service over `files`, resolving modules as tsserver's project does (resolveModuleNameLiterals). */
function service(files: string[]): { host: ts.LanguageServiceHost; languageService: ts.LanguageService } {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f) ?? '') : undefined),
    getCurrentDirectory: () => path.dirname(files[0]),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    resolveModuleNameLiterals: (literals, containingFile, _ref, opts) =>
      literals.map((l) => ts.resolveModuleName(l.text, containingFile, opts, ts.sys)),
  };
  const languageService = ts.createLanguageService(host);
  return { host, languageService };
}

function errors(ls: ts.LanguageService, file: string): string[] {
  return ls.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('without the plugin a model file cannot find gradlens (the case the plugin exists for)', () => {
  const { dir } = workspace();
  const model = path.join(dir, 'model.ts');
  const { languageService } = service([model]);
  assert.match(errors(languageService, model).join('\n'), /Cannot find module 'gradlens'/);
});

test('the plugin resolves gradlens next to its own folder and returns the language service it was given', () => {
  const { dir } = workspace();
  const model = path.join(dir, 'model.ts');
  const { host, languageService } = service([model]);
  assert.equal(plugin({ typescript: ts }).create({ languageServiceHost: host, languageService }), languageService);
  const [resolved] = host.resolveModuleNameLiterals!(
    [ts.factory.createStringLiteral('gradlens')], model, undefined, host.getCompilationSettings(), ts.createSourceFile(model, MODEL, ts.ScriptTarget.ES2022), undefined);
  assert.equal(resolved.resolvedModule?.resolvedFileName, shippedTypesEntry(path.resolve('extension')));
});

test('with the plugin a model file has no errors, and completions come from the shipped declarations', () => {
  const { dir, types } = workspace();
  const model = path.join(dir, 'model.ts');
  const { host, languageService } = service([model]);
  addGradlensResolution(ts, host, types);
  assert.deepEqual(errors(languageService, model), []);
  const at = MODEL.indexOf('nn.BatchNorm2d') + 3;
  const names = languageService.getCompletionsAtPosition(model, at, {})?.entries.map((e) => e.name) ?? [];
  assert.ok(names.includes('BatchNorm2d'), `completions: ${names.join(', ')}`);
});

test("the user's own gradlens package wins, and other missing modules stay missing", () => {
  const { dir, types } = workspace();
  const own = path.join(dir, 'node_modules', 'gradlens');
  mkdirSync(own, { recursive: true });
  writeFileSync(path.join(own, 'package.json'), '{"name":"gradlens","types":"index.d.ts"}');
  writeFileSync(path.join(own, 'index.d.ts'), 'export declare namespace nn { class BatchNorm2d { constructor(n: number); readonly own: true } }\n');
  const other = path.join(dir, 'other.ts');
  writeFileSync(other, "import { x } from 'not-installed';\nexport const y = x;\n");
  const model = path.join(dir, 'model.ts');
  const { host, languageService } = service([model, other]);
  addGradlensResolution(ts, host, types);
  const program = languageService.getProgram()!;
  assert.ok(program.getSourceFile(path.join(own, 'index.d.ts')), "the user's package is in the program");
  assert.equal(program.getSourceFile(types), undefined, 'the shipped types are not');
  assert.match(errors(languageService, other).join('\n'), /Cannot find module 'not-installed'/);
});

test('the shipped types are found next to the packaged extension', () => {
  const pluginDir = path.join('/ext', 'node_modules', 'gradlens-tsserver-plugin');
  assert.equal(shippedTypesEntry(pluginDir), path.join('/ext', 'dist', 'types', 'index.d.ts'));
});
