// Runs model files in the real engine child process (dist/engine-child.js, built by `npm run build`) through
// EngineClient, as the extension and the CLI do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineMessage, EngineMessageOf, StartOptions } from '../../protocol/messages';
import type { EngineClient } from '../../host/engine-client';
import { launchEngine } from '../../host/launch';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHILD = path.join(ROOT, 'dist', 'engine-child.js');
export const CLI = path.join(ROOT, 'bin', 'gradlens.cjs');
export const FIXTURES = path.join(__dirname, 'fixtures');
export const EXAMPLES = path.join(ROOT, 'examples');

let built = false;
/** Builds dist/ once per test process when it is missing (npm test builds before the tests). */
export function ensureBuilt(): void {
  if (built || (existsSync(CHILD) && existsSync(path.join(ROOT, 'dist', 'cli.js')) && process.env.GRADLENS_TEST_REBUILD !== '1')) {
    built = true;
    return;
  }
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  built = true;
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'gradlens-test-'));
}

const live = new Set<EngineClient>();

/** Kills every engine process a test left running (register with `after(killAll)`), so a failing test cannot hang the run. */
export function killAll(): void {
  for (const c of live) c.kill();
  live.clear();
}

export async function launch(cwd = tempDir(), execArgv: string[] = []): Promise<{ client: EngineClient; messages: EngineMessage[]; cwd: string }> {
  ensureBuilt();
  const client = await launchEngine({ childPath: CHILD, cwd, execArgv });
  live.add(client);
  void client.exited.then(() => live.delete(client));
  const messages: EngineMessage[] = [];
  client.onMessage((m) => messages.push(m));
  return { client, messages, cwd };
}

/** Runs a model file to the end and returns every message. */
export async function runModel(modelFile: string, options: Omit<StartOptions, 'modelFile'> = {}, execArgv: string[] = []) {
  const { client, messages, cwd } = await launch(tempDir(), execArgv);
  await client.start({ modelFile, ...options });
  await client.exited;
  return { messages, cwd, recordPath: await client.recordPath.catch(() => null) };
}

export function ofType<T extends EngineMessage['type']>(messages: readonly EngineMessage[], type: T): EngineMessageOf<T>[] {
  return messages.filter((m): m is EngineMessageOf<T> => m.type === type);
}

/** Resolves with the first message matching `pred` (rejects after `ms`). */
export function waitFor<T extends EngineMessage>(client: EngineClient, pred: (m: EngineMessage) => m is T, ms?: number): Promise<T>;
export function waitFor(client: EngineClient, pred: (m: EngineMessage) => boolean, ms?: number): Promise<EngineMessage>;
export function waitFor(client: EngineClient, pred: (m: EngineMessage) => boolean, ms = 20_000): Promise<EngineMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a message'));
    }, ms);
    const off = client.onMessage((m) => {
      if (!pred(m)) return;
      clearTimeout(timer);
      off();
      resolve(m);
    });
  });
}

export function cli(args: string[], cwd = tempDir(), env: NodeJS.ProcessEnv = {}) {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}
