// Runs a benchmark the way the engine child runs the engine: bundled by esbuild (so the backends load as they do
// in a real run), with the child's V8 flags and malloc settings.
//   node bench/run-bundled.mjs bench/telemetry-overhead.mjs [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { ENGINE_FLAGS, MALLOC_ENV } from './engine-flags.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-bundled.mjs <bench file> [args...]');
  process.exit(2);
}
const outfile = path.join(root, 'node_modules', '.cache', 'gradlens-bench', path.basename(entry).replace(/\.[cm]?[jt]s$/, '.bundle.mjs'));
await build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['esbuild'],
  // The engine is CommonJS-flavoured (require, __dirname): give the ESM bundle both.
  banner: {
    js: "import { createRequire as __gl_cr } from 'node:module'; import { fileURLToPath as __gl_f } from 'node:url'; const require = __gl_cr(import.meta.url); const __filename = __gl_f(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
  },
});
const r = spawnSync(process.execPath, [...ENGINE_FLAGS, outfile, ...args], { stdio: 'inherit', env: { ...MALLOC_ENV, ...process.env } });
process.exit(r.status ?? 1);
