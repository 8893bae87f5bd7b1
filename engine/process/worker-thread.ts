// The engine's worker thread: loads the user's bundled model against this thread's engine instance and runs
// the Trainer synchronously. While paused it blocks in Atomics.wait; commands arrive on a MessagePort that it
// drains synchronously (receiveMessageOnPort), so a pause can hold inside any layer's forward pass while the
// process's main thread keeps answering the host.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { EngineMessage, EngineMessageOf, ErrorInfo, HostCommand, SourceLocation, StartOptions } from '../../protocol/messages';
import * as engine from '../index';
import { exportedDefinition, type TrainingDefinition } from '../definition';
import { initBackends } from '../kernels/register-backends';
import { manual_seed } from '../random';
import { StopSignal } from '../train/errors';
import { RunSession } from '../train/session';
import { trainDefinition, type TrainerHost } from '../train/trainer';
import { locateInFile } from '../train/setup';
import { ModelExitError, toErrorInfo } from './errors';
import { FlowGate } from './flow';
import { LogLimiter } from './log-limiter';
import { loadBundledModel, ModelLoadError } from './load-model';

/** What the worker is created with (before any model is known: the worker starts while the host connects). */
export interface WorkerBoot {
  control: SharedArrayBuffer;
  /** Back-pressure counters shared with the main thread (flow.ts). */
  flow: SharedArrayBuffer;
  port: MessagePort;
}

/** What the main thread posts once `start` arrives and the model file is bundled. */
export interface WorkerInit {
  file: string;
  code: string;
  options: StartOptions;
}

/** Per-machine cache of the backend calibration (kernel timings), so only the first run on a machine pays for it. */
function calibrationCacheDir(): string {
  return process.env.GRADLENS_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'gradlens');
}

let gate: FlowGate | null = null;
let logs: LogLimiter | null = null;

function post(msg: EngineMessage): void {
  // Any message is a moment to say how many lines of output the last window left out.
  if (msg.type !== 'log') logs?.tick();
  gate?.beforePost();
  parentPort?.postMessage(msg);
}

function commandChannel(control: SharedArrayBuffer, port: MessagePort): TrainerHost {
  const ctrl = new Int32Array(control);
  let seen = 0;
  const drain = (): HostCommand[] => {
    // Read the counter before draining: a command posted later bumps it again and is picked up next time.
    seen = Atomics.load(ctrl, 0);
    const out: HostCommand[] = [];
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) out.push(m.message as HostCommand);
    return out;
  };
  return {
    emit: post,
    poll: () => (Atomics.load(ctrl, 0) === seen ? [] : drain()),
    wait: () => {
      for (;;) {
        const v = Atomics.load(ctrl, 0);
        if (v !== seen) {
          const cmds = drain();
          if (cmds.length) return cmds;
          continue;
        }
        Atomics.wait(ctrl, 0, v, 1000);
      }
    },
  };
}

/** The file ran to its end without a training step: it must export a definition (or train in its own loop). */
function definitionOf(file: string, exp: Record<string, unknown>): TrainingDefinition {
  const def = exportedDefinition(exp) as TrainingDefinition | undefined;
  if (!def || typeof def !== 'object') {
    const named = Object.keys(exp).filter((k) => k !== 'default' && k !== '__esModule');
    throw new ModelLoadError({
      id: 'noDefaultExport',
      message: `${file}:1:1: The model file has no default export${named.length ? ` (it exports ${named.join(', ')})` : ''} and ran to its end without a training step.`,
      showUser: true,
      location: { file, line: 1, column: 1 },
      hint: "Either train in the file's own loop (optimizer.step() after loss.backward()), or end the file with `export default defineTraining({ model, data, loss, optimizer })` (import { defineTraining } from 'gradlens').",
    });
  }
  return def;
}

export async function runWorker(): Promise<void> {
  const boot = workerData as WorkerBoot;
  gate = new FlowGate(boot.flow);
  const limiter = new LogLimiter(post);
  logs = limiter;
  process.setSourceMapsEnabled(true);
  // Training is synchronous, so a promise the model file rejected and never caught (an async onStep, a promise it
  // did not await) is only noticed once the run has returned: keep it and end the run with it, at its line.
  const rejections: unknown[] = [];
  process.on('unhandledRejection', (reason) => {
    rejections.push(reason);
  });
  // Backends start (WebAssembly compile, calibration) while the host is still connecting and bundling.
  const ready = initBackends({ backend: 'auto', cacheDir: calibrationCacheDir() }).then(
    () => null,
    (err: unknown) => err,
  );
  const init = await new Promise<WorkerInit>((resolve) => parentPort?.once('message', (m: WorkerInit) => resolve(m)));
  const { file, code, options } = init;
  // process.exit in a worker silently ends only the thread; abort would take the whole process down. Both
  // become an error that knows the model file's line instead.
  const exitCall = (call: string) => (c?: number) => {
    throw new ModelExitError(call, c);
  };
  process.exit = exitCall('process.exit') as typeof process.exit;
  process.abort = exitCall('process.abort') as typeof process.abort;
  // The model's console output travels with the other messages, so it stays in order with the steps and is
  // kept in the run record; bounded by the LogLimiter (a console.log per batch is thousands of lines a second).
  const toLog =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void =>
      limiter.log(level, format(...args));
  console.log = console.info = console.debug = toLog('info');
  console.warn = toLog('warn');
  console.error = toLog('error');
  // Writes to process.stdout/stderr would go around the limiter (a worker's stdio is forwarded to the main thread
  // through a queue that never waits): they become log lines too, split at newlines.
  const flushStreams = [streamToLog(process.stdout, 'info', limiter), streamToLog(process.stderr, 'warn', limiter)];
  const where = locateInFile(file, safeRead(file));
  // The trainer's `finished` is held back until the model's pending promises have settled (see `rejections`).
  const ending: { msg?: EngineMessageOf<'finished'> } = {};
  const host: TrainerHost = { ...commandChannel(boot.control, boot.port), emit: (msg) => (msg.type === 'finished' ? (ending.msg = msg) : post(msg)) };
  let session: RunSession | null = null;
  const t0 = performance.now();
  try {
    const failed = await ready;
    if (failed) throw failed;
    if (options.backend && options.backend !== 'auto') await initBackends({ backend: options.backend });
    // The file runs once, top to bottom, seeded: the same seed gives the same initial weights and the same run.
    manual_seed(options.seed ?? 0);
    const run = new RunSession(host, { modelFile: file, options, where });
    session = run;
    run.run(() => {
      // Once training has begun, an error in the file is a training error at its line, not a build failure;
      // stopping and the step limit unwind through the file untouched.
      const passThrough = (err: unknown): boolean => err instanceof StopSignal || run.trainingStarted;
      const exp = loadBundledModel(file, code, engine, passThrough);
      if (!run.trainingStarted) trainDefinition(run, definitionOf(file, exp), file, options, where);
    });
  } catch (err) {
    post({ type: 'error', error: toErrorInfo(err, file, where.definition) });
    ending.msg = { type: 'finished', reason: 'error', step: session ? session.currentStep : -1, durationMs: performance.now() - t0 };
  }
  // Two turns of the event loop: microtasks run, then Node reports the rejections nothing handled.
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  const end: EngineMessageOf<'finished'> = ending.msg ?? { type: 'finished', reason: 'completed', step: session ? session.currentStep : -1, durationMs: performance.now() - t0 };
  if (rejections.length > 0 && end.reason !== 'error') {
    post({ type: 'error', error: rejectionInfo(rejections[0], file, where.definition) });
    end.reason = 'error';
  }
  for (const flush of flushStreams) flush();
  limiter.flush();
  post(end);
  // Let the thread end; the main thread terminates it anyway if the model left timers or handles behind.
  parentPort?.close();
}

/** Routes a stream's writes into the limiter as lines; returns a function that writes out an unfinished last line. */
function streamToLog(stream: NodeJS.WriteStream, level: 'info' | 'warn', limiter: LogLimiter): () => void {
  let partial = '';
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    // An unbounded unfinished line (a progress bar drawn with \r) is cut like any long line.
    if (partial.length > 65536) {
      lines.push(partial);
      partial = '';
    }
    for (const line of lines) limiter.log(level, line.replace(/\r$/, ''));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  stream.write = write as typeof stream.write;
  return () => {
    if (partial) limiter.log(level, partial);
    partial = '';
  };
}

function rejectionInfo(reason: unknown, file: string, fallback: SourceLocation): ErrorInfo {
  const info = toErrorInfo(reason, file, fallback);
  return {
    ...info,
    id: 'unhandledRejection',
    message: info.message.replace(/^((?:.*?:\d+:\d+: )?)/, '$1Unhandled promise rejection: '),
    hint: 'A promise in the model file was rejected and nothing caught it (an async onStep, or a promise that is not awaited). Training runs synchronously: do the work without async, or catch the rejection.',
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch {
    return '';
  }
}
