// `gradlens`, the headless CLI: runs a model file in the same engine child process the extension uses, via
// EngineClient, and prints progress, warnings and errors; or renders a recorded run as an HTML report.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Anomaly, EngineMessage } from '../protocol/messages';
import { formatLocation } from '../protocol/messages';
import { EngineClient } from '../engine/process/client';
import { parseRecord } from '../engine/process/run-record';
import { renderReportHtml } from '../webview/report';
import { parseArgs, UsageError, USAGE, type TrainArgs } from './args';
import { formatAnomaly, formatBreak, formatEpoch, formatError, formatKernels, progressBar } from './format';

export const EXIT = { ok: 0, error: 1, usage: 2, breakOn: 3, interrupted: 130 } as const;

function writeReport(messages: readonly EngineMessage[], out: string, title: string): void {
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, renderReportHtml(messages, { title, bundlePath: path.join(__dirname, 'webview.js') }));
}

async function train(args: TrainArgs): Promise<number> {
  const modelFile = path.resolve(args.modelFile);
  const tty = !args.json && process.stdout.isTTY === true;
  const print = (line: string): void => {
    if (!args.json) process.stdout.write(line + '\n');
  };
  const client = await EngineClient.launch({
    childPath: path.join(__dirname, 'engine-child.js'),
    cwd: process.cwd(),
    execArgv: args.maxMemoryMb ? [`--max-old-space-size=${args.maxMemoryMb}`] : [],
  });
  const messages: EngineMessage[] = [client.hello];
  if (args.json) process.stdout.write(JSON.stringify(client.hello) + '\n');
  let epochs = args.epochs ?? 1;
  let lastLoss: number | undefined;
  let breakHit: Anomaly | null = null;
  let failed = false;
  let barShown = false;
  let lastBar = Date.now();
  const clearBar = (): void => {
    if (barShown) process.stdout.write('\r\x1b[2K');
    barShown = false;
  };
  const done = new Promise<void>((resolve) => {
    client.onMessage((msg) => {
      messages.push(msg);
      if (args.json) process.stdout.write(JSON.stringify(msg) + '\n');
      switch (msg.type) {
        case 'runStarted':
          epochs = msg.config.epochs;
          print(`Training ${path.relative(process.cwd(), msg.modelFile) || msg.modelFile}: ${msg.config.optimizer} lr ${msg.config.lr}, batch ${msg.config.batchSize}, ${epochs} epoch(s), ${msg.config.trainSize} training samples`);
          break;
        case 'graph':
          print(`Model: ${msg.graph.layers.length} layers, ${msg.graph.totalParams.toLocaleString('en-US')} parameters`);
          break;
        case 'kernels':
          print(formatKernels(msg.backends));
          break;
        case 'step': {
          lastLoss = msg.loss;
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
        case 'anomaly':
          clearBar();
          if (!args.json) process.stderr.write(formatAnomaly(msg.anomaly) + '\n');
          break;
        case 'paused':
          if (msg.reason === 'anomaly' && msg.anomaly && !breakHit) {
            breakHit = msg.anomaly;
            clearBar();
            if (!args.json) process.stderr.write(formatBreak(msg.anomaly, lastLoss) + '\n');
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
          failed = true;
          clearBar();
          if (!args.json) process.stderr.write(formatError(msg.error) + '\n');
          break;
        case 'finished':
          clearBar();
          if (msg.reason === 'error') failed = true;
          print(`Finished (${msg.reason}) after ${msg.step >= 0 ? msg.step : '?'} steps in ${(msg.durationMs / 1000).toFixed(1)} s`);
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
    });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    client.kill();
    return EXIT.error;
  }
  await Promise.race([done, client.exited]);
  await client.exited;
  const record = await client.recordPath.catch(() => null);
  if (record) {
    if (args.record) {
      mkdirSync(path.dirname(path.resolve(args.record)), { recursive: true });
      copyFileSync(record, args.record);
    }
    print(`Run record: ${path.relative(process.cwd(), record)}`);
  }
  if (args.report) {
    const all = record ? parseRecord(readFileSync(record, 'utf8')) : messages;
    writeReport(all, args.report, `Gradlens: ${path.basename(modelFile)}`);
    print(`Report: ${args.report}`);
  }
  if (breakHit) return EXIT.breakOn;
  if (interrupted) return EXIT.interrupted;
  return failed ? EXIT.error : EXIT.ok;
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
    case 'report': {
      const messages = parseRecord(readFileSync(args.runFile, 'utf8'));
      if (messages.length === 0) {
        process.stderr.write(`gradlens: ${args.runFile} holds no messages\n`);
        return EXIT.error;
      }
      writeReport(messages, args.out, `Gradlens: ${path.basename(args.runFile)}`);
      process.stdout.write(`Report: ${args.out}\n`);
      return EXIT.ok;
    }
    case 'train':
      return train(args);
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
