// Moved to protocol/ipc-transport.ts (both ends use it). This re-export lasts until main-thread.ts, whose owner has
// uncommitted work in it, is committed with its import of the new path; then this file goes.
export { IpcTransport } from '../../protocol/ipc-transport';
