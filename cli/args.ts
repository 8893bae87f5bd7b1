// Command-line parsing for `gradlens`: no dependency, strict about unknown flags so a typo is an error.
import { ANOMALY_KINDS, type AnomalyKind, type BackendName } from '../protocol/messages';

export interface TrainArgs {
  command: 'train';
  modelFile: string;
  epochs?: number;
  maxSteps?: number;
  seed?: number;
  backend?: BackendName | 'auto';
  breakOn: AnomalyKind[];
  /** --recover: anomalies rolled back past (docs/time-travel.md), and the cap on rollbacks. */
  recover: AnomalyKind[];
  maxRecoveries?: number;
  /** --snapshot-every N / --snapshot-depth K / --no-snapshots: time travel's ring (docs/time-travel.md). */
  snapshots?: { every?: number; depth?: number } | false;
  record?: string;
  report?: string;
  /** --report-redact: the report leaves out stack traces, absolute paths and the process id. */
  redact: boolean;
  json: boolean;
  histogramEvery?: number;
  maxMemoryMb?: number;
  /** A PyTorch script (.py): the interpreter, its own arguments (after `--`) and torch.distributed's topology. */
  python?: string;
  scriptArgs: string[];
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

export interface ReportArgs {
  command: 'report';
  runFile: string;
  out: string;
  /** --redact: leave out stack traces, absolute paths and the process id (a report to share). */
  redact: boolean;
}

export interface RescoreArgs {
  command: 'rescore';
  runFile: string;
  /** The --threshold name=value pairs as given (checked against the threshold names by cli/rescore.ts). */
  thresholds: string[];
  json: boolean;
}

export type CliArgs = TrainArgs | ReportArgs | RescoreArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  gradlens train <model-file> [options]   train a model file, printing progress and warnings
  gradlens report <run.jsonl> --out <file.html> [--redact]   render a recorded run as a self-contained HTML report
                                          (--redact: without stack traces, absolute paths and the process id)
  gradlens rescore <run.jsonl> [--threshold NAME=VALUE ...] [--json]   re-run the detectors over a recorded run
                                          with other thresholds (names: protocol/thresholds.ts, docs/detectors.md)

train options:
  --epochs N            override the definition's epochs
  --max-steps N         stop after N training steps (batches)
  --seed N              override the definition's seed
  --backend B           auto | cpu | wasm | gpujs
  --break-on K1,K2      stop at the first anomaly of these kinds and print the state (exit code 3)
                        kinds: ${ANOMALY_KINDS.join(', ')}
  --recover K1,K2       on an anomaly of these kinds (e.g. lossSpike,nonFinite), roll back to the last snapshot
                        before it, leave out its batches and go on (docs/time-travel.md)
  --max-recoveries N    the most rollbacks --recover makes (default 5); later anomalies are only reported
  --snapshot-every N    a snapshot before every N-th step (default 10); --snapshot-depth K keeps K (default 8);
                        --no-snapshots turns them off (and --recover with them)
  --record FILE         also copy the run record (JSON Lines) to FILE
  --report FILE         write the run as a self-contained HTML report
  --report-redact       leave stack traces, absolute paths and the process id out of the report (to share it)
  --json                print every protocol message as JSON Lines on stdout
  --histogram-every N   histogram cadence in steps (default 50)
  --max-memory MB       heap limit of the engine process

PyTorch scripts (gradlens train train.py [options] [-- script args]; docs/pytorch.md):
  --python PATH         the interpreter (default /usr/bin/python3)
  --nproc-per-node N    run N ranks of a torch.distributed job on this machine (env:// rendezvous, as torchrun)
  --nnodes N --node-rank R --master-addr HOST --master-port PORT   one launcher per machine of a multi-node job

Exit codes: 0 finished, 1 error in the model/data/engine, 2 usage error, 3 stopped by --break-on, 130 interrupted.`;

function int(flag: string, v: string | undefined, min = 1): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min} (got ${v ?? 'nothing'})`);
  return n;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') return { command: 'help' };
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') return { command: 'version' };
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const thresholds: string[] = [];
  const needsValue = new Set(['--python', '--nproc-per-node', '--nnodes', '--node-rank', '--master-addr', '--master-port', '--epochs', '--max-steps', '--seed', '--backend', '--break-on', '--record', '--report', '--histogram-every', '--max-memory', '--out', '--threshold', '--recover', '--max-recoveries', '--snapshot-every', '--snapshot-depth']);
  const scriptArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--') {
      // Everything after `--` is the PyTorch script's own arguments.
      scriptArgs.push(...rest.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const boolean = ['--json', '--redact', '--report-redact', '--no-snapshots'].includes(name);
    if (!needsValue.has(name) && !boolean) throw new UsageError(`Unknown option ${name}`);
    if (boolean) flags.set(name, true);
    else {
      const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (name === '--threshold') thresholds.push(value);
      flags.set(name, value);
    }
  }
  const str = (f: string): string | undefined => {
    const v = flags.get(f);
    return typeof v === 'string' ? v : undefined;
  };
  if (cmd === 'report') {
    if (positional.length !== 1) throw new UsageError('report needs one run record: gradlens report <run.jsonl> --out <file.html>');
    const out = str('--out');
    if (!out) throw new UsageError('report needs --out <file.html>');
    return { command: 'report', runFile: positional[0], out, redact: flags.has('--redact') };
  }
  if (cmd === 'rescore') {
    if (positional.length !== 1) throw new UsageError('rescore needs one run record: gradlens rescore <run.jsonl> [--threshold NAME=VALUE ...] [--json]');
    for (const f of flags.keys()) if (f !== '--threshold' && f !== '--json') throw new UsageError(`${f} is not an option of rescore`);
    return { command: 'rescore', runFile: positional[0], thresholds, json: flags.has('--json') };
  }
  if (flags.has('--threshold')) throw new UsageError('--threshold is for `gradlens rescore`');
  if (cmd !== 'train') throw new UsageError(`Unknown command "${cmd}"`);
  if (positional.length !== 1) throw new UsageError('train needs one model file: gradlens train <model-file>');
  const kinds = (flag: string): AnomalyKind[] => {
    const list = (str(flag) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const k of list) {
      if (!(ANOMALY_KINDS as readonly string[]).includes(k)) throw new UsageError(`${flag}: unknown anomaly kind "${k}" (kinds: ${ANOMALY_KINDS.join(', ')})`);
    }
    return list as AnomalyKind[];
  };
  const breakOn = kinds('--break-on');
  const recover = kinds('--recover');
  if (flags.has('--recover') && recover.length === 0) throw new UsageError('--recover needs anomaly kinds, e.g. --recover lossSpike,nonFinite');
  if (flags.has('--max-recoveries') && !flags.has('--recover')) throw new UsageError('--max-recoveries needs --recover');
  if (/\.py$/i.test(positional[0]) && flags.has('--recover')) throw new UsageError('--recover: not yet for a PyTorch script (.py); docs/time-travel.md');
  const backend = str('--backend');
  if (backend && !['auto', 'cpu', 'wasm', 'gpujs'].includes(backend)) throw new UsageError(`Unknown backend "${backend}"`);
  if (flags.has('--redact')) throw new UsageError('--redact is for `gradlens report`; with train, use --report-redact');
  if (flags.has('--report-redact') && !flags.has('--report')) throw new UsageError('--report-redact needs --report FILE');
  const args: TrainArgs = { command: 'train', modelFile: positional[0], breakOn, recover, json: flags.has('--json'), redact: flags.has('--report-redact'), scriptArgs };
  const pythonFlags = ['--python', '--nproc-per-node', '--nnodes', '--node-rank', '--master-addr', '--master-port'].filter((f) => flags.has(f));
  if (!/\.py$/i.test(args.modelFile) && (pythonFlags.length > 0 || scriptArgs.length > 0)) throw new UsageError(`${pythonFlags[0] ?? 'script arguments after --'}: only for a PyTorch script (.py)`);
  if (str('--python')) args.python = str('--python');
  if (flags.has('--nproc-per-node')) args.nprocPerNode = int('--nproc-per-node', str('--nproc-per-node'));
  if (flags.has('--nnodes')) args.nnodes = int('--nnodes', str('--nnodes'));
  if (flags.has('--node-rank')) args.nodeRank = int('--node-rank', str('--node-rank'), 0);
  if (str('--master-addr')) args.masterAddr = str('--master-addr');
  if (flags.has('--master-port')) args.masterPort = int('--master-port', str('--master-port'));
  if ((args.nodeRank ?? 0) >= (args.nnodes ?? 1)) throw new UsageError(`--node-rank ${args.nodeRank} needs --nnodes above it (ranks of nodes count from 0)`);
  if ((args.nnodes ?? 1) > 1 && args.masterPort === undefined) throw new UsageError('--nnodes above 1 needs --master-port (and --master-addr, node 0\'s address), the same on every node');
  if (flags.has('--epochs')) args.epochs = int('--epochs', str('--epochs'));
  if (flags.has('--max-steps')) args.maxSteps = int('--max-steps', str('--max-steps'));
  if (flags.has('--max-recoveries')) args.maxRecoveries = int('--max-recoveries', str('--max-recoveries'), 0);
  if (flags.has('--no-snapshots')) {
    if (flags.has('--recover') || flags.has('--snapshot-every') || flags.has('--snapshot-depth')) throw new UsageError('--no-snapshots leaves nothing to --recover or to size');
    args.snapshots = false;
  } else if (flags.has('--snapshot-every') || flags.has('--snapshot-depth')) {
    args.snapshots = {};
    if (flags.has('--snapshot-every')) args.snapshots.every = int('--snapshot-every', str('--snapshot-every'));
    if (flags.has('--snapshot-depth')) args.snapshots.depth = int('--snapshot-depth', str('--snapshot-depth'));
  }
  if (flags.has('--seed')) args.seed = int('--seed', str('--seed'), 0);
  if (flags.has('--histogram-every')) args.histogramEvery = int('--histogram-every', str('--histogram-every'));
  if (flags.has('--max-memory')) args.maxMemoryMb = int('--max-memory', str('--max-memory'), 16);
  if (backend) args.backend = backend as BackendName | 'auto';
  if (str('--record')) args.record = str('--record');
  if (str('--report')) args.report = str('--report');
  return args;
}
