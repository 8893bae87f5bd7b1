// Reads a run record line by line without ever holding it whole: a record of a long run can be gigabytes (V8
// refuses strings over 512 MB: "Cannot create a string longer than 0x1fffffe8"). Lines that do not parse (a
// torn last line) or that are absurdly long are counted and skipped.
import { createReadStream } from 'node:fs';

/** No protocol message comes near this; a longer "line" is not one (a binary file, a corrupt record). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface RecordScan {
  lines: number;
  /** Lines that were not JSON, or too long to be a message. */
  unreadable: number;
  bytes: number;
}

export async function scanRecord(file: string, onValue: (value: unknown) => void): Promise<RecordScan> {
  const scan: RecordScan = { lines: 0, unreadable: 0, bytes: 0 };
  let parts: Buffer[] = [];
  let partBytes = 0;
  let overlong = false;
  const endLine = (): void => {
    if (overlong) scan.unreadable++;
    else if (partBytes > 0) {
      const text = Buffer.concat(parts, partBytes).toString('utf8');
      if (text.trim()) {
        scan.lines++;
        try {
          onValue(JSON.parse(text));
        } catch {
          scan.unreadable++;
        }
      }
    }
    parts = [];
    partBytes = 0;
    overlong = false;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    scan.bytes += chunk.length;
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      take(chunk.subarray(from, nl));
      endLine();
      from = nl + 1;
    }
    take(chunk.subarray(from));
  }
  endLine();
  return scan;

  function take(piece: Buffer): void {
    if (overlong || piece.length === 0) return;
    if (partBytes + piece.length > MAX_LINE_BYTES) {
      overlong = true;
      parts = [];
      partBytes = 0;
      return;
    }
    // A copy: a view would keep the whole 1 MB chunk alive for the sake of a short line.
    parts.push(Buffer.from(piece));
    partBytes += piece.length;
  }
}
