// `gradlens`, the headless CLI: runs a model file in the same engine child process the extension uses, via
// host/'s EngineClient, and prints progress, warnings and errors; or renders a recorded run as an HTML report.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Anomaly } from '../protocol/messages';
import { formatLocation } from '../protocol/messages';
import { launchEngine } from '../host/launch';
import { PYTHON_LAUNCH_ENV, type PythonLaunch } from '../engine/python/launch-config';
import { RunProgress } from '../protocol/run-state';
import { RecordChecker } from '../host/run-record';
import { renderReportHtml } from '../webview/report';
import { redactMessage } from '../webview/report-redact';
import { ReportReducer } from '../webview/report-reducer';
import { parseArgs, UsageError, USAGE, type TrainArgs } from './args';
import { formatAnomaly, formatBreak, formatEpoch, formatError, formatKernels, formatMetrics, progressBar } from './format';
import { scanRecord } from './record-stream';
import { formatRescore, jsonRescore, parseThresholds, rescoreRecord, RescoreInputError } from './rescore';

export const EXIT = { ok: 0, error: 1, usage: 2, breakOn: 3, interrupted: 130 } as const;

/** A mistake in what the user asked for (a missing record, an unwritable --report): one line, no stack trace. */
class CliError extends Error {}

/**
 * Streams a run record into a report of bounded size (report-reducer.ts): any run length opens in seconds, and
 * neither the record nor its messages are ever held whole. `redact` leaves out stacks, absolute paths and the pid.
 */
async function writeReport(record: string, out: string, title: string, redact: boolean): Promise<{ steps: number; skipped: number; problem?: string }> {
  const reducer = new ReportReducer();
  // A record is untrusted input: each message is checked against the protocol's schema (host/run-record.ts).
  const checker = new RecordChecker('update Gradlens', 'message');
  const scan = await scanRecord(record, (v) => {
    const m = checker.check(v);
    if (m) reducer.push(m);
  });
  if (checker.newer) throw new CliError(`${record}: ${checker.newer}`);
  const reduced = reducer.result();
  if (reduced.messages.length === 0) throw new CliError(`${record} holds no Gradlens messages (is it a run record, .gradlens/runs/*.jsonl?)`);
  const folders = [...new Set(reduced.messages.flatMap((m) => (m.type === 'runStarted' ? [path.dirname(m.modelFile)] : [])).concat(process.cwd(), path.dirname(path.resolve(record)), homedir()))];
  const messages = redact ? reduced.messages.map((m) => redactMessage(m, { folders })) : reduced.messages;
  writeFileSync(out, renderReportHtml(messages, { title, bundlePath: path.join(__dirname, 'webview.js') }));
  return { steps: reduced.steps, skipped: reduced.skipped + scan.unreadable + checker.invalid, problem: checker.firstProblem };
}

/** Creates the folder an output file goes into, before any training, so a bad path fails at once and says why. */
function prepareOutput(flag: string, file: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file stands where a folder of its path should be' : (code ?? (err as Error).message);
    throw new CliError(`${flag} ${file}: cannot create its folder ${path.dirname(path.resolve(file))} (${why})`);
  }
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // Not there yet: it will be written.
  }
  if (isDir) throw new CliError(`${flag} ${file} is a folder: give a file name`);
}

/** The record to read for `gradlens report`, with a one-line reason when it cannot be. */
function checkRecord(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${file}: no such run record (records are in .gradlens/runs/)` : `${file}: cannot read it (${code})`);
  }
  if (st.isDirectory()) throw new CliError(`${file} is a folder: give one run record (.gradlens/runs/*.jsonl)`);
}

const MODEL_EXTENSIONS = /\.(?:[cm]?[jt]s|[jt]sx|py)$/i;
/** A PyTorch script runs under the Python bridge (engine/python/, docs/pytorch.md). */
const PYTHON_SCRIPT = /\.py$/i;

/** A model file must be a TypeScript or JavaScript file; say so before bundling calls a .py file a syntax error. */
function checkModelFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new CliError(`${file}: no such model file`);
  }
  if (st.isDirectory()) throw new CliError(`${file} is a folder: give the model file to train (a .ts or .js file that default-exports defineTraining({...}))`);
  if (!MODEL_EXTENSIONS.test(file)) throw new CliError(`${file}: Gradlens trains TypeScript or JavaScript model files (.ts, .js, .mts, .mjs, .cts, .cjs) and PyTorch scripts (.py), not ${path.extname(file) || 'files without an extension'}`);
}

async function train(args: TrainArgs): Promise<number> {
  const modelFile = path.resolve(args.modelFile);
  checkModelFile(modelFile);
  if (args.record) prepareOutput('--record', args.record);
  if (args.report) prepareOutput('--report', args.report);
  const tty = !args.json && process.stdout.isTTY === true;
  const print = (line: string): void => {
    if (!args.json) process.stdout.write(line + '\n');
  };
  const python = PYTHON_SCRIPT.test(modelFile);
  const launch: PythonLaunch = { python: args.python, args: args.scriptArgs, nprocPerNode: args.nprocPerNode, nnodes: args.nnodes, nodeRank: args.nodeRank, masterAddr: args.masterAddr, masterPort: args.masterPort };
  const client = await launchEngine({
    childPath: path.join(__dirname, python ? 'engine-python.js' : 'engine-child.js'),
    cwd: process.cwd(),
    execArgv: args.maxMemoryMb ? [`--max-old-space-size=${args.maxMemoryMb}`] : [],
    // A PyTorch script's messages come from Python: the client checks each against the protocol's schema.
    ...(python ? { env: { ...process.env, [PYTHON_LAUNCH_ENV]: JSON.stringify(launch) }, validate: true } : {}),
  });
  // Nothing is kept per message: the report is made from the run record afterwards, so a run of any length keeps
  // the CLI's memory flat (it held every message: 709 MB at 2.3M steps).
  if (args.json) process.stdout.write(JSON.stringify(client.hello) + '\n');
  let epochs = args.epochs ?? 1;
  // The run's progress as every side folds it (protocol/run-state.ts): bounded, whatever the run's length.
  const progress = new RunProgress();
  let breakHit: Anomaly | null = null;
  let barShown = false;
  let lastBar = Date.now();
  const clearBar = (): void => {
    if (barShown) process.stdout.write('\r\x1b[2K');
    barShown = false;
  };
  const done = new Promise<void>((resolve) => {
    client.onMessage((msg) => {
      progress.apply(msg);
      if (args.json) process.stdout.write(JSON.stringify(msg) + '\n');
      switch (msg.type) {
        case 'runStarted':
          epochs = msg.config.epochs;
          print(`Training ${path.relative(process.cwd(), msg.modelFile) || msg.modelFile}: ${msg.config.optimizer} lr ${msg.config.lr}, batch ${msg.config.batchSize}, ${epochs > 0 ? `${epochs} epoch(s)` : 'its own loop'}, ${msg.config.trainSize} training samples`);
          break;
        case 'graph':
          print(`Model: ${msg.graph.layers.length} layers, ${msg.graph.totalParams.toLocaleString('en-US')} parameters`);
          break;
        case 'kernels':
          print(formatKernels(msg.backends));
          break;
        case 'step': {
          const now = Date.now();
          if (tty && (now - lastBar > 100 || msg.batch + 1 === msg.batchesPerEpoch)) {
            lastBar = now;
            process.stdout.write('\r\x1b[2K' + progressBar(msg, epochs));
            barShown = true;
          } else if (!tty && now - lastBar > 10_000) {
            // Piped output (CI logs): a plain line every 10 s shows the run is alive without flooding the log.
            lastBar = now;
            print(progressBar(msg, epochs));
          }
          break;
        }
        case 'epoch':
          clearBar();
          print(formatEpoch(msg, epochs));
          break;
        case 'metrics':
          clearBar();
          print(formatMetrics(msg));
          break;
        case 'anomaly':
          clearBar();
          if (!args.json) process.stderr.write(formatAnomaly(msg.anomaly) + '\n');
          break;
        case 'timeTravel':
          // --recover's rollbacks: the run went back and left batches out.
          clearBar();
          if (!args.json) process.stderr.write(`⟲ ${msg.event.message}\n`);
          break;
        case 'paused':
          if (msg.reason === 'anomaly' && msg.anomaly && !breakHit) {
            breakHit = msg.anomaly;
            clearBar();
            if (!args.json) process.stderr.write(formatBreak(msg.anomaly, progress.lastStep?.loss) + '\n');
            void client.stop();
          }
          break;
        case 'log':
          // The model's own output and logpoints: on stdout like a plain script's output; warnings on stderr.
          clearBar();
          if (args.json) break;
          if (msg.level === 'info') print(msg.source ? `${formatLocation(msg.source)}: ${msg.message}` : msg.message);
          else process.stderr.write(`${msg.level}: ${msg.message}\n`);
          break;
        case 'error':
          clearBar();
          if (!args.json) process.stderr.write(formatError(msg.error) + '\n');
          break;
        case 'finished':
          clearBar();
          print(`Finished (${msg.reason}) after ${progress.step ?? '?'} steps in ${(msg.durationMs / 1000).toFixed(1)} s`);
          resolve();
          break;
      }
    });
  });
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    void client.stop();
  });
  try {
    await client.start({
      modelFile,
      epochs: args.epochs,
      maxSteps: args.maxSteps,
      seed: args.seed,
      backend: args.backend,
      histogramEvery: args.histogramEvery,
      breakOn: args.breakOn.map((kind) => ({ kind })),
      ...(args.recover.length ? { recover: args.recover, maxRecoveries: args.maxRecoveries } : {}),
      ...(args.snapshots !== undefined ? { snapshots: args.snapshots } : {}),
    });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    client.kill();
    return EXIT.error;
  }
  await Promise.race([done, client.exited]);
  await client.exited;
  const record = await client.recordPath.catch(() => null);
  let outputFailed = false;
  const output = async (what: string, write: () => unknown): Promise<void> => {
    try {
      await write();
    } catch (err) {
      outputFailed = true;
      process.stderr.write(`gradlens: could not write ${what}: ${(err as Error).message}\n`);
    }
  };
  if (record) {
    if (args.record) await output(`the run record to ${args.record}`, () => copyFileSync(record, args.record as string));
    print(`Run record: ${path.relative(process.cwd(), record)}`);
  }
  if (args.report) {
    if (!record) process.stderr.write('gradlens: no report: the run never started, so it has no record\n');
    else {
      await output(`the report ${args.report}`, () => writeReport(record, args.report as string, `Gradlens: ${path.basename(modelFile)}`, args.redact));
      if (!outputFailed) print(`Report: ${args.report}`);
    }
  }
  if (breakHit) return EXIT.breakOn;
  if (interrupted) return EXIT.interrupted;
  const failed = progress.errors.length > 0 || progress.finished?.reason === 'error';
  return failed || outputFailed ? EXIT.error : EXIT.ok;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`gradlens: ${err.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE + '\n');
      return EXIT.ok;
    case 'version':
      process.stdout.write('gradlens 0.1.0\n');
      return EXIT.ok;
    case 'report':
      return guarded(async () => {
        checkRecord(args.runFile);
        prepareOutput('--out', args.out);
        const made = await writeReport(args.runFile, args.out, `Gradlens: ${path.basename(args.runFile)}`, args.redact);
        if (made.skipped > 0) process.stderr.write(`gradlens: skipped ${made.skipped} malformed line(s) of ${args.runFile}${made.problem ? ` (first: ${made.problem})` : ''}\n`);
        process.stdout.write(`Report: ${args.out} (${made.steps.toLocaleString('en-US')} steps)\n`);
        return EXIT.ok;
      });
    case 'rescore':
      return guarded(async () => {
        try {
          const thresholds = parseThresholds(args.thresholds);
          checkRecord(args.runFile);
          const r = await rescoreRecord(args.runFile, thresholds);
          if (r.skipped > 0) process.stderr.write(`gradlens: skipped ${r.skipped} malformed line(s) of ${args.runFile}${r.problem ? ` (first: ${r.problem})` : ''}\n`);
          process.stdout.write((args.json ? jsonRescore(r, thresholds) : formatRescore(r, thresholds)).join('\n') + '\n');
          return EXIT.ok;
        } catch (err) {
          if (err instanceof RescoreInputError) throw new CliError(err.message);
          throw err;
        }
      });
    case 'train':
      return guarded(() => train(args));
  }
}

/** Runs a command, printing a CliError as one line (exit 1); anything else is a Gradlens bug and keeps its stack. */
async function guarded(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`gradlens: ${err.message}\n`);
    return EXIT.error;
  }
}

// dist/cli.js is only ever loaded as the program (bin/gradlens.cjs requires it): run at once.
main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`gradlens: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.error;
    },
);
