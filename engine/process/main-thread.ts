// The engine child's main thread: the only side that talks to the host. It says hello, bundles the model file,
// starts the training worker, forwards commands to it (waking it with Atomics.notify when it is paused), writes
// every message to the run record and sends it on through a coalescing outbox, and reports the worker's death
// (crash, OOM, process.exit) and its own uncaught errors before exiting. `stop` always works: a worker that does
// not end within a second (a model stuck in a loop) is terminated.
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Capability, EngineMessage, ErrorInfo, HostCommand, StartOptions } from '../../protocol/messages';
import { PROTOCOL_VERSION } from '../../protocol/messages';
import { bundleModel, ModelBundleError } from './bundle-model';
import { exitWhenSent, IpcTransport } from '../../protocol/ipc-transport';
import { createFlow, FlowMeter } from './flow';
import { prepareGradlensFolder } from './gradlens-folder';
import { Outbox } from './outbox';
import { RunRecord, recordFileName } from './run-record';
import type { WorkerBoot, WorkerInit } from './worker-thread';

export const ENGINE_VERSION = '0.1.0';
export const CAPABILITIES: Capability[] = [
  'pause',
  'step.batch',
  'step.layer',
  'breakpoints.anomaly',
  'breakpoints.layer',
  'logpoints',
  'inspect',
  'evaluate',
  'variables',
  'setLearningRate',
  'setThresholds',
  'histograms',
  'record.jsonl',
  'stepBack',
  'recover',
];
const STOP_GRACE_MS = 1000;

export function runMain(): void {
  process.setSourceMapsEnabled(true);
  const transport = new IpcTransport<EngineMessage, HostCommand>(process);
  // One training thread per process, so one pair of back-pressure counters (flow.ts).
  const flow = createFlow();
  const meter = new FlowMeter(flow);
  const outbox = new Outbox(transport, undefined, (queued) => meter.backlog(queued));
  const t0 = performance.now();
  let record: RunRecord | null = null;
  let worker: Worker | null = null;
  let port: MessagePort | null = null;
  let ctrl: Int32Array | null = null;
  let finished = false;
  let lastStep = -1;
  let exiting = false;
  /** Seqs of the `stop`s this thread answered itself: the worker's answer to them is not sent a second time. */
  const answeredStops = new Set<number>();

  const hello: EngineMessage = { type: 'hello', protocolVersion: PROTOCOL_VERSION, engine: 'gradlens', version: ENGINE_VERSION, capabilities: CAPABILITIES, pid: process.pid };
  const out = (msg: EngineMessage): void => {
    // A run ends once: whatever the training thread still had queued when its end was decided is not part of it.
    if (finished && msg.type !== 'response') return;
    if (msg.type === 'runStarted' && record) msg = { ...msg, recordPath: record.path };
    if (msg.type === 'step') lastStep = msg.step;
    if (msg.type === 'finished') finished = true;
    const failedBefore = record?.failure;
    // Responses answer the live host's requests (inspect, variables, evaluate: whole tensors at times) and a replay
    // has nobody who asked: a debug session's inspections made records grow by megabytes (issue 25 item 7).
    if (record && msg.type !== 'response' && !record.write(msg) && record.failure && !failedBefore) recordFailed(record);
    outbox.push(msg);
  };
  // The disk filled up (or the record's file became unwritable): the record stays whole lines up to here, and
  // the run stops with an error that says so (it used to die with "exit code 7" and a torn last line).
  const recordFailed = (r: RunRecord): void => {
    const f = r.failure;
    if (!f) return;
    const w = worker;
    worker = null;
    void w?.terminate();
    finishWithError(
      f.code === 'ENOSPC' || f.code === 'EDQUOT'
        ? {
            id: 'diskFull',
            message: `The disk is full: the run record ${r.path} could not be written at step ${lastStep}, so the run stopped. The record keeps everything up to that point.`,
            showUser: true,
            hint: 'Free some disk space (old runs are in .gradlens/runs) and run again.',
          }
        : {
            id: 'recordWriteFailed',
            message: `The run record ${r.path} could not be written at step ${lastStep} (${f.code}: ${f.message}), so the run stopped.`,
            showUser: true,
            hint: 'Check that the record folder is writable and its disk has room.',
          },
    );
    shutdown(1);
  };
  const respond = (seq: number, body?: unknown): void => out({ type: 'response', request_seq: seq, success: true, ...(body !== undefined ? { body } : {}) });
  const fail = (seq: number, error: ErrorInfo): void => out({ type: 'response', request_seq: seq, success: false, error });
  const finishWithError = (error: ErrorInfo): void => {
    if (finished) return;
    out({ type: 'error', error });
    out({ type: 'finished', reason: 'error', step: lastStep, durationMs: performance.now() - t0 });
  };

  const shutdown = (code: number): void => {
    if (exiting) return;
    exiting = true;
    outbox.drain();
    record?.close();
    // Let the IPC channel hand over what is queued before the process goes (at most 2 s).
    exitWhenSent(transport, code);
  };

  process.on('uncaughtException', (err) => {
    finishWithError({ id: 'engineCrashed', message: `Engine error: ${err.message}`, showUser: true, stack: err.stack, hint: 'This is a Gradlens bug; the run record has everything up to here.' });
    shutdown(1);
  });
  // The host went away: nobody is listening, end at once.
  process.on('disconnect', () => {
    void worker?.terminate();
    process.exit(0);
  });
  // Ctrl-C in a terminal reaches the whole process group, this child too. The host decides what it means (the CLI
  // sends `stop`, so the run ends as a clean stop); dying of SIGINT here was recorded as a crash.
  process.on('SIGINT', () => undefined);

  let started = false;
  let heapMb = 0;
  // The worker starts at once, before any `start`: loading the engine and its backends overlaps with the host
  // connecting and with bundling the model, which keeps start -> first step short.
  const bootWorker = (): void => {
    const channel = new MessageChannel();
    port = channel.port1;
    const control = new SharedArrayBuffer(4);
    ctrl = new Int32Array(control);
    const boot: WorkerBoot = { control, flow, port: channel.port2 };
    // The worker gets this process's heap limit (a --max-old-space-size given to the child applies to it).
    heapMb = Math.floor(getHeapStatistics().heap_size_limit / (1024 * 1024));
    const w = new Worker(__filename, { workerData: boot, transferList: [channel.port2], resourceLimits: { maxOldGenerationSizeMb: heapMb }, stderr: false });
    worker = w;
    // The thread's last messages may still be queued when its 'error' arrives (that event overtakes them), but
    // they are all delivered before 'exit': the end of the run is decided there.
    let failure: ErrorInfo | null = null;
    w.on('message', (msg: EngineMessage) => {
      if (msg.type !== 'response' || !answeredStops.has(msg.request_seq)) out(msg);
      meter.consumed();
      // A model that left a timer or a handle open would keep the thread (and the process) alive after the run.
      if (msg.type === 'finished') setTimeout(() => void w.terminate(), 500).unref();
    });
    w.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      failure ??= (
        oom
          ? { id: 'outOfMemory', message: `The engine ran out of memory at step ${lastStep} (heap limit ${heapMb} MB).`, showUser: true, hint: 'Use a smaller batch size, a smaller model or fewer samples (e.g. data.mnist({ train: 2000 })).' }
          : { id: 'engineCrashed', message: `The training thread failed: ${err.message}`, showUser: true, stack: err.stack }
      );
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (!started) return;
      finishWithError(failure ?? { id: 'processCrashed', message: `The training thread ended unexpectedly (exit code ${code}).`, showUser: true, hint: 'The run record keeps everything up to this point.' });
      shutdown(0);
    });
  };

  const startWorker = (file: string, code: string, options: StartOptions): void => {
    if (!worker) bootWorker();
    started = true;
    const init: WorkerInit = { file, code, options };
    worker?.postMessage(init);
  };

  const start = async (seq: number, options: StartOptions): Promise<void> => {
    if (record || started) return fail(seq, { id: 'alreadyStarted', message: 'This engine process already runs a model', showUser: false });
    const file = path.resolve(options.modelFile);
    const dir = options.recordDir ?? path.join(process.cwd(), '.gradlens', 'runs');
    try {
      if (!options.recordDir) prepareGradlensFolder(process.cwd());
      record = new RunRecord(path.join(dir, recordFileName(file, new Date())));
    } catch (err) {
      // e.g. .gradlens exists as a file, or the folder is read-only: the user's setup, not a Gradlens bug.
      const e = err as NodeJS.ErrnoException;
      const fileInTheWay = e.code === 'ENOTDIR' || e.code === 'EEXIST';
      fail(seq, {
        id: 'recordUnavailable',
        message: `Cannot create the run record in ${dir}: ${fileInTheWay ? 'a file stands where a folder of that path should be (is .gradlens a file?)' : `${e.code ?? 'error'}: ${e.message}`}`,
        showUser: true,
        hint: fileInTheWay ? 'Move that file away, or record elsewhere (StartOptions.recordDir).' : 'Check that the folder is writable.',
      });
      shutdown(1);
      return;
    }
    // The record opens with the handshake, so a replay knows the protocol version it was written with.
    record.write(hello);
    respond(seq, { recordPath: record.path });
    try {
      const bundle = await bundleModel(file);
      startWorker(file, bundle.code, options);
    } catch (err) {
      finishWithError(err instanceof ModelBundleError ? err.info : { id: 'bundleFailed', message: String(err), showUser: true });
      shutdown(1);
    }
  };

  const forward = (cmd: HostCommand): void => {
    if (!started || !worker || !port || !ctrl) return fail(cmd.seq, { id: 'notStarted', message: 'No model is running', showUser: false });
    port.postMessage(cmd);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  };

  const stop = (cmd: HostCommand): void => {
    respond(cmd.seq);
    if (!started || !worker) {
      void worker?.terminate();
      worker = null;
      if (!finished) out({ type: 'finished', reason: 'stopped', step: lastStep, durationMs: performance.now() - t0 });
      shutdown(0);
      return;
    }
    answeredStops.add(cmd.seq);
    forward(cmd);
    const w = worker;
    setTimeout(() => {
      if (worker !== w) return;
      // Still running after the grace period: the model is stuck in a loop of its own. End it.
      worker = null;
      void w.terminate();
      if (!finished) out({ type: 'finished', reason: 'stopped', step: lastStep, durationMs: performance.now() - t0 });
      shutdown(0);
    }, STOP_GRACE_MS).unref();
  };

  transport.onMessage((cmd) => {
    switch (cmd.type) {
      case 'start':
        void start(cmd.seq, cmd.options);
        return;
      case 'stop':
        return stop(cmd);
      default:
        return forward(cmd);
    }
  });

  out(hello);
  bootWorker();
}
