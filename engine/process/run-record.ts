// The run record: every EngineMessage of a run, one JSON object per line, appended with a synchronous write as
// it happens so nothing is lost if the process dies the next instant. Replayed by `gradlens report` and the panel.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path, { dirname } from 'node:path';
import type { EngineMessage } from '../../protocol/messages';

export function recordFileName(modelFile: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').replace('T', '_').replace('Z', '');
  const base = path.basename(modelFile).replace(/\.[cm]?[jt]sx?$/, '').replace(/[^A-Za-z0-9_-]+/g, '_');
  return `${stamp}-${base}.jsonl`;
}

export class RunRecord {
  private fd: number | null;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  write(msg: EngineMessage): void {
    if (this.fd === null) return;
    writeSync(this.fd, JSON.stringify(msg) + '\n');
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
