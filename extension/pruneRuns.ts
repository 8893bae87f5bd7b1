// Keeps the workspace's run records (<workspace>/.gradlens/runs/*.jsonl) to the newest N: twenty runs with debug
// inspections grew the folder to 6.9 MB. Runs once before each new run, so the record being written is never touched.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Deletes all but the `keep` newest records (by modification time) in `dir`; 0 keeps all. Returns what it deleted. */
export function pruneRunRecords(dir: string, keep: number): string[] {
  if (!(keep > 0)) return [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return []; // no records yet
  }
  const records = names
    .map((n) => {
      const file = path.join(dir, n);
      try {
        return { file, mtime: fs.statSync(file).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((r): r is { file: string; mtime: number } => r !== undefined)
    .sort((a, b) => b.mtime - a.mtime);
  const deleted: string[] = [];
  for (const r of records.slice(keep)) {
    try {
      fs.unlinkSync(r.file);
      deleted.push(r.file);
    } catch {
      // Another window may have removed it first; a record that cannot be deleted stays.
    }
  }
  return deleted;
}
