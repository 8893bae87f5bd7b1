// One Python process of a run (one rank): `python -m gradlens.run script.py args...` with the runner's messages on
// its fd 3 and its commands on fd 4 (JSON Lines both ways), the script's stdout and stderr read line by line (so
// the lines of several ranks never interleave mid-line). Knows nothing of the protocol's meaning: the run (python-run.ts) decides what each message does.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface RankExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RankOptions {
  python: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onMessage: (msg: Record<string, unknown>) => void;
  onStdout: (line: string) => void;
  onStderr: (line: string) => void;
}

export class RankProcess {
  private readonly child: ChildProcess;
  private readonly commands: Writable | null;
  readonly exited: Promise<RankExit>;
  exit: RankExit | null = null;

  constructor(opts: RankOptions) {
    this.child = spawn(opts.python, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    this.commands = (this.child.stdio[4] as Writable | null) ?? null;
    // A command to a rank that has just ended is not an error of the run.
    this.commands?.on('error', () => undefined);
    lines(this.child.stdio[3] as Readable | null, (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) opts.onMessage(parsed as Record<string, unknown>);
    });
    lines(this.child.stdout, opts.onStdout);
    lines(this.child.stderr, opts.onStderr);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        opts.onStderr(`cannot start ${opts.python}: ${err.message}`);
        this.exit = { code: 127, signal: null };
        resolve(this.exit);
      });
      // 'close' comes after the pipes are drained: every message the rank wrote has been read by then.
      this.child.once('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(cmd: Record<string, unknown>): void {
    if (this.exit || !this.commands || this.commands.destroyed) return;
    this.commands.write(JSON.stringify(cmd) + '\n');
  }

  kill(): void {
    if (!this.exit) this.child.kill('SIGKILL');
  }
}

function lines(stream: Readable | null, each: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) if (p.length > 0) each(p);
  });
  stream.on('end', () => {
    if (partial.length > 0) each(partial);
    partial = '';
  });
}
