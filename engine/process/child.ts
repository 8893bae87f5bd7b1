// Entry of dist/engine-child.js. The same bundle runs twice: as the child process's main thread (IPC with the
// host) and as its training worker thread (new Worker(__filename)), so both share one build and one engine.
// The imports are dynamic so that each thread only evaluates its own half (esbuild keeps them lazy in the
// bundle): the main thread never runs the engine's module bodies, which keeps the handshake fast.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) void import('./main-thread').then((m) => m.runMain());
else void import('./worker-thread').then((m) => m.runWorker());
