// Builds every bundle with esbuild in one pass (well under a second): extension host, engine child process,
// CLI and webview. Entries that do not exist yet are skipped so the build works while the tree grows.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const t0 = performance.now();
mkdirSync(path.join(root, 'dist'), { recursive: true });

const node = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, sourcemap: 'linked', logLevel: 'warning' };
const entries = [
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['engine/process/child.ts'], outfile: 'dist/engine-child.js', external: ['esbuild'] },
  // The Python bridge (issue 22): the engine process for PyTorch scripts, beside python/ (the runner package).
  { ...node, entryPoints: ['engine/python/main.ts'], outfile: 'dist/engine-python.js' },
  { ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', external: ['esbuild'] },
  // tsserver calls the plugin module itself as its factory: the bundle's exports become the default export.
  {
    ...node, entryPoints: ['extension/tsserver-plugin.ts'], outfile: 'dist/tsserver-plugin.js',
    footer: { js: 'module.exports = Object.assign(module.exports.default, module.exports);' },
  },
  {
    platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: 'linked', logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', loader: { '.css': 'text' },
  },
].filter((e) => existsSync(path.join(root, e.entryPoints[0])));

await Promise.all(entries.map((e) => build({ ...e, absWorkingDir: root, minify: !watch && e.platform === 'browser' })));
console.log(`built ${entries.length} bundles in ${Math.round(performance.now() - t0)} ms`);
