// Reads a run record (.jsonl written by the engine child, one EngineMessage per line) for "Open Run".
import { isEngineMessage, type EngineMessage } from '../../protocol/messages';

/** A run record is JSON Lines, one EngineMessage per line; a truncated last line (a crash mid-write) is skipped. */
export function parseRunRecord(text: string): EngineMessage[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const out: EngineMessage[] = [];
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return;
      throw new Error(`line ${i + 1} is not JSON`);
    }
    if (!isEngineMessage(value)) throw new Error(`line ${i + 1} is not a Gradlens message`);
    out.push(value);
  });
  if (!out.length) throw new Error('the file holds no messages');
  return out;
}
