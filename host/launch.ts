// Starting the TypeScript engine: forks dist/engine-child.js with the V8 flags it needs and connects an EngineClient
// to it over the child's IPC channel. Everything process-specific lives here (pid, exit codes, stderr, the child's
// stdout turned into `log` messages, telling a crash from running out of memory), so the client stays a client of
// any engine on any transport.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { IpcTransport } from '../protocol/ipc-transport';
import { ErrorIds } from '../protocol/error-ids';
import type { EngineMessage, ErrorInfo, HostCommand } from '../protocol/messages';
import { EngineClient, type ConnectOptions, type EngineExit, type EnginePeer } from './engine-client';

export interface LaunchOptions extends ConnectOptions {
  /** Absolute path of dist/engine-child.js. */
  childPath: string;
  execArgv?: string[];
  /** The child's environment; by default this process's, with the engine's malloc settings (engineEnv). */
  env?: NodeJS.ProcessEnv;
}

/**
 * V8 flags the engine child runs with.
 * - Node 20 and 21 ship relaxed SIMD behind a flag; with it the wasm backend uses fused multiply-add (measured about
 *   +35% GEMM throughput). Later Node versions have it on by default.
 * - When the engine's compute threads fill every core (its wasm backend runs two on two cores), garbage collection
 *   runs on the thread that needs it (`--single-threaded-gc`): V8's concurrent marking and sweeping threads could
 *   only run by preempting a compute thread, and a two-thread kernel then waits for the preempted half. Measured on
 *   2 cores (2-thread steps, alternating runs): the pooled CNN's median step 9.5 -> 6.2 ms, the LSTM's 32-44 -> 28-34
 *   ms, the MLP unchanged (it rarely collects). With a core to spare the background threads are better: one-thread
 *   128x128 matmuls (a fresh 64 KB result each) read 27-30 GFLOP/s with the flag against 32-36 without.
 */
export function engineFlags(nodeVersion = process.versions.node, cores = availableParallelism(), computeThreads = Math.min(2, cores)): string[] {
  const major = Number(nodeVersion.split('.')[0]);
  return [...(major === 20 || major === 21 ? ['--experimental-wasm-relaxed-simd'] : []), ...(computeThreads >= cores ? ['--single-threaded-gc'] : [])];
}

/**
 * glibc malloc settings for the TypeScript engine (a user's own values win). By default glibc serves blocks over
 * 128 KB with fresh mmaps and trims the heap top, so every large kernel result, a fresh ArrayBuffer each time, paid
 * page faults on first touch: measured on 1 thread (bench/profile-step.ts, 3 alternations), a 512x512 matmul's CPU
 * time 9.2-9.8 -> 7.2-7.7 ms with these settings, the pooled CNN's median step 9.5-11.3 -> 9.5-10.2 ms. The bench
 * gives every peer the same (bench/engine-flags.mjs). Ignored by other C libraries.
 */
export const ENGINE_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) };

export function engineEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...ENGINE_MALLOC_ENV, ...base };
}

/** Forks the engine child and resolves with its client after the child's `hello`. */
export async function launchEngine(opts: LaunchOptions): Promise<EngineClient> {
  const child = fork(opts.childPath, [], {
    cwd: opts.cwd,
    execArgv: [...engineFlags(), ...(opts.execArgv ?? [])],
    env: opts.env ?? engineEnv(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const peer = new ChildPeer(child);
  const transport = new IpcTransport<HostCommand, EngineMessage>(child);
  const pending = EngineClient.connect(transport, peer, opts);
  // What the model file prints (console.log in a forward, say) reaches the host as `log` messages, line by line.
  // Lines printed before the hello have no listener yet, as before the client existed.
  let partial = '';
  const connected: { client?: EngineClient } = {};
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) connected.client?.deliver({ type: 'log', level: 'info', message: line });
  });
  connected.client = await pending;
  return connected.client;
}

/** The forked child as the client sees it: its exit, its kill, and what its stderr says about a crash. */
class ChildPeer implements EnginePeer {
  readonly pid: number;
  readonly exited: Promise<EngineExit>;
  private stderrTail = '';

  constructor(private readonly child: ChildProcess) {
    this.pid = child.pid ?? -1;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-8192);
      if (process.env.GRADLENS_CHILD_STDERR === 'inherit') process.stderr.write(chunk);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  describeCrash({ code, signal }: EngineExit): ErrorInfo {
    const oom = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY/i.test(this.stderrTail);
    const tail = this.stderrTail.trim().split('\n').slice(-6).join('\n');
    return oom
      ? {
          id: ErrorIds.outOfMemory,
          message: `The engine process ran out of memory (exit ${signal ?? code}).`,
          showUser: true,
          hint: 'Use a smaller batch size, a smaller model or fewer samples (data.mnist({ train: ... })).',
          stack: tail || undefined,
        }
      : {
          id: ErrorIds.processCrashed,
          message: `The engine process ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
          showUser: true,
          hint: 'The run record keeps everything up to this point. If the model file calls process.exit or native code, remove it.',
          stack: tail || undefined,
        };
  }
}
