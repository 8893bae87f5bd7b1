// The run record: every EngineMessage of a run, one JSON object per line, appended with a synchronous write as
// it happens so nothing is lost if the process dies the next instant. Replayed by `gradlens report` and the panel.
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path, { dirname } from 'node:path';
import type { EngineMessage } from '../../protocol/messages';

export function recordFileName(modelFile: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').replace('T', '_').replace('Z', '');
  const base = path.basename(modelFile).replace(/\.[cm]?[jt]sx?$/, '').replace(/[^A-Za-z0-9_-]+/g, '_');
  return `${stamp}-${base}.jsonl`;
}

/** The file calls the record makes (a seam, so tests can run out of disk without one). */
export interface RecordIo {
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  truncate(fd: number, length: number): void;
}
const FS_IO: RecordIo = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  truncate: (fd, length) => ftruncateSync(fd, length),
};

/** Why the record could not be written (ENOSPC: the disk is full), and how far it got. */
export interface RecordFailure {
  code: string;
  message: string;
  /** Bytes of whole lines the record kept. */
  bytes: number;
}

export class RunRecord {
  private fd: number | null;
  /** Length of the file up to its last whole line. */
  private bytes: number;
  failure: RecordFailure | null = null;

  constructor(
    readonly path: string,
    private readonly io: RecordIo = FS_IO,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.bytes = fstatSync(this.fd).size;
  }

  /**
   * Appends one message as one line. Returns false once the record cannot be written (disk full, I/O error):
   * a line written in part is cut off again, so the record stays whole lines, and nothing more is written.
   */
  write(msg: EngineMessage): boolean {
    if (this.fd === null || this.failure) return false;
    const line = Buffer.from(JSON.stringify(msg) + '\n');
    let done = 0;
    try {
      while (done < line.length) done += this.io.write(this.fd, line, done, line.length - done);
      this.bytes += line.length;
      return true;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.failure = { code: e.code ?? 'EIO', message: e.message, bytes: this.bytes };
      if (done > 0) {
        try {
          this.io.truncate(this.fd, this.bytes);
        } catch {
          // Not a regular file (a device): nothing to cut.
        }
      }
      return false;
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Parses a run record, skipping a torn last line (a process killed mid-write). */
export function parseRecord(text: string): EngineMessage[] {
  const out: EngineMessage[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as EngineMessage);
    } catch {
      // A partial line can only be the last one; ignore it.
    }
  }
  return out;
}
