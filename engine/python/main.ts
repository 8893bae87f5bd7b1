// Entry of dist/engine-python.js, the Python bridge: the engine process the host forks for a PyTorch script, in
// place of dist/engine-child.js, speaking the same protocol over the same IPC channel (host/launch.ts). It says
// hello, opens the run record on `start` (engine/process/run-record.ts, as the TypeScript engine does), starts the
// script under the Python runner (python/gradlens, python-run.ts), records and relays every message, and ends once
// every rank has ended. The launch (interpreter, script arguments, ranks) comes in the environment (launch-config.ts).
import path from 'node:path';
import type { Capability, EngineMessage, ErrorInfo, HostCommand, StartOptions } from '../../protocol/messages';
import { PROTOCOL_VERSION } from '../../protocol/messages';
import { exitWhenSent, IpcTransport } from '../../protocol/ipc-transport';
import { prepareGradlensFolder } from '../process/gradlens-folder';
import { RunRecord, recordFileName } from '../process/run-record';
import { readLaunch } from './launch-config';
import { PythonRun } from './python-run';

export const PYTHON_ENGINE = 'gradlens-python';
const VERSION = '0.1.0';
const CAPABILITIES: Capability[] = ['pause', 'step.batch', 'breakpoints.anomaly', 'inspect', 'evaluate', 'variables', 'setLearningRate', 'setThresholds', 'histograms', 'record.jsonl'];

function main(): void {
  const transport = new IpcTransport<EngineMessage, HostCommand>(process);
  let record: RunRecord | null = null;
  let run: PythonRun | null = null;
  let finished = false;
  let exiting = false;
  const t0 = performance.now();
  const hello: EngineMessage = { type: 'hello', protocolVersion: PROTOCOL_VERSION, engine: PYTHON_ENGINE, version: VERSION, capabilities: CAPABILITIES, pid: process.pid };

  const out = (msg: EngineMessage): void => {
    if (finished && msg.type !== 'response') return;
    if (msg.type === 'finished') finished = true;
    if (record && msg.type !== 'response') record.write(msg);
    transport.send(msg);
  };
  const respond = (seq: number, body?: unknown): void => out({ type: 'response', request_seq: seq, success: true, ...(body !== undefined ? { body } : {}) });
  const fail = (seq: number, error: ErrorInfo): void => out({ type: 'response', request_seq: seq, success: false, error });
  const shutdown = (code: number): void => {
    if (exiting) return;
    exiting = true;
    record?.close();
    exitWhenSent(transport, code);
  };
  const finishWithError = (error: ErrorInfo): void => {
    out({ type: 'error', error });
    out({ type: 'finished', reason: 'error', step: -1, durationMs: performance.now() - t0 });
    shutdown(1);
  };

  const start = async (seq: number, options: StartOptions): Promise<void> => {
    if (record) return fail(seq, { id: 'alreadyStarted', message: 'This engine process already runs a script', showUser: false });
    const file = path.resolve(options.modelFile);
    const dir = options.recordDir ?? path.join(process.cwd(), '.gradlens', 'runs');
    try {
      if (!options.recordDir) prepareGradlensFolder(process.cwd());
      record = new RunRecord(path.join(dir, recordFileName(file, new Date())));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      fail(seq, { id: 'recordUnavailable', message: `Cannot create the run record in ${dir}: ${e.code ?? 'error'}: ${e.message}`, showUser: true });
      shutdown(1);
      return;
    }
    record.write(hello);
    respond(seq, { recordPath: record.path });
    try {
      if (options.epochs !== undefined || options.seed !== undefined) out({ type: 'log', level: 'warn', message: 'A PyTorch script sets its own epochs and seed: --epochs and --seed are ignored.' });
      run = new PythonRun(out, options, readLaunch(process.env), process.cwd(), record.path, path.join(__dirname, '..', 'python'));
      await run.start();
      void run.ended.then(() => shutdown(0));
    } catch (err) {
      finishWithError({ id: 'launchFailed', message: `Cannot launch the script: ${(err as Error).message}`, showUser: true });
    }
  };

  transport.onMessage((cmd) => {
    if (cmd.type === 'start') return void start(cmd.seq, cmd.options);
    if (cmd.type === 'stop' && !run) {
      respond(cmd.seq);
      if (!finished) out({ type: 'finished', reason: 'stopped', step: -1, durationMs: performance.now() - t0 });
      return shutdown(0);
    }
    if (!run) return fail(cmd.seq, { id: 'notStarted', message: 'No script is running', showUser: false });
    switch (cmd.type) {
      case 'stop':
        run.stop();
        return respond(cmd.seq);
      case 'pause':
        run.pause();
        return respond(cmd.seq);
      case 'resume':
        run.resume();
        return respond(cmd.seq);
      case 'step':
        if (cmd.unit !== 'batch') return fail(cmd.seq, { id: 'notSupported', message: 'A PyTorch script steps by optimizer step (batch), not by layer', showUser: true });
        run.stepOnce();
        return respond(cmd.seq);
      case 'setBreakpoints':
        run.setAnomalies(cmd.anomalies ?? []);
        return respond(cmd.seq);
      case 'setThresholds':
        return respond(cmd.seq, run.setThresholds(cmd.thresholds));
      case 'variables':
      case 'evaluate':
      case 'inspect':
      case 'setLearningRate':
        // Rank 0 answers at its next step boundary (at once while paused).
        if (!run.forward(cmd)) fail(cmd.seq, { id: 'notRunning', message: 'The script is not running', showUser: false });
        return;
      default:
        return fail(cmd.seq, { id: 'notSupported', message: `${cmd.type} is not supported for PyTorch scripts yet`, showUser: true });
    }
  });
  // The host went away: nobody is listening; end the ranks with it.
  process.on('disconnect', () => {
    run?.kill();
    process.exit(0);
  });
  process.on('SIGTERM', () => {
    run?.kill();
    process.exit(143);
  });
  // Ctrl-C reaches the whole process group (the script's ranks too, which end as stopped); the host decides.
  process.on('SIGINT', () => undefined);
  process.on('uncaughtException', (err) => {
    run?.kill();
    if (!finished) finishWithError({ id: 'engineCrashed', message: `Python bridge error: ${err.message}`, showUser: true, stack: err.stack });
  });
  out(hello);
}

main();
