// Reading a run record (.jsonl written by an engine, one EngineMessage per line) on the host: "Open Run" in the
// extension, and the CLI's report. A record is untrusted input (docs: "Run records are untrusted input"): it is read
// only as a regular file of sane size, asynchronously (safe-read.ts), every line is checked against the protocol's
// schema (protocol/validate.ts) with an error naming the line, the message and the field, and a record written by
// a newer protocol says so instead of drawing a garbled panel.
import { PROTOCOL_VERSION, type EngineMessage } from '../protocol/messages';
import { checkEngineMessage } from '../protocol/validate';
import { readRegularFile } from './safe-read';

/** Larger records are refused by Open Run (the CLI streams them instead: cli/record-stream.ts). */
export const MAX_OPEN_RECORD_BYTES = 256 * 2 ** 20;

export class RunRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRecordError';
  }
}

/** The message for a record or an engine of a protocol newer than this host's. */
export function newerProtocolMessage(version: number, update: string): string {
  return `this run was recorded by a newer Gradlens (protocol ${version}); ${update}`;
}

/**
 * Checks a record's messages one at a time, in order (also for a streamed record): a hello of a newer protocol
 * throws, a message that does not fit the schema is described with its line number and left out.
 */
export class RecordChecker {
  private line = 0;
  /** The first problem found, e.g. "line 7: step message: loss must be a number (got "abc")". */
  firstProblem: string | undefined;
  invalid = 0;
  /** Messages of a type this host does not know (skipped, not errors). */
  ignored = 0;
  /** Set when the record is of a newer protocol (check() also throws, which a streaming reader may swallow). */
  newer: string | undefined;

  /**
   * @param update what to tell the user to update when the record is newer.
   * @param unit what a position counts: 'line' (a whole record) or 'message' (a stream that skips unreadable lines).
   */
  constructor(
    private readonly update = 'update the extension',
    private readonly unit: 'line' | 'message' = 'line',
  ) {}

  /** The message on the next line, or undefined when it does not fit the protocol (then see firstProblem). */
  check(value: unknown, lineNumber = this.line + 1): EngineMessage | undefined {
    this.line = lineNumber;
    const hello = value as { type?: unknown; protocolVersion?: unknown } | null;
    if (hello && hello.type === 'hello' && typeof hello.protocolVersion === 'number' && hello.protocolVersion > PROTOCOL_VERSION) {
      this.newer = newerProtocolMessage(hello.protocolVersion, this.update);
      throw new RunRecordError(this.newer);
    }
    const checked = checkEngineMessage(value);
    if (checked.ok) return checked.value;
    if (checked.unknownType) {
      // A message type added by a newer engine of this protocol version: ignored, as the protocol says.
      this.ignored++;
      return undefined;
    }
    this.invalid++;
    this.firstProblem ??= `${this.unit} ${lineNumber}: ${checked.error}`;
    return undefined;
  }
}

/**
 * Parses and checks a whole record. A torn last line (a process killed mid-write) and messages of unknown types (a
 * newer engine's additions) are skipped; any other line that is not JSON or not a valid message is an error naming it.
 */
export function parseRunRecord(text: string): EngineMessage[] {
  const lines = text.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && !lines[last].trim()) last--;
  const checker = new RecordChecker();
  const out: EngineMessage[] = [];
  for (let i = 0; i <= last; i++) {
    if (!lines[i].trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(lines[i]);
    } catch {
      if (i === last) break;
      throw new RunRecordError(`line ${i + 1} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      throw new RunRecordError(`line ${i + 1} is not a Gradlens message`);
    }
    const ignoredBefore = checker.ignored;
    const msg = checker.check(value, i + 1);
    if (msg) out.push(msg);
    else if (checker.ignored === ignoredBefore) throw new RunRecordError(checker.firstProblem ?? `line ${i + 1} is not a valid message`);
  }
  if (!out.length) throw new RunRecordError('the file holds no messages');
  return out;
}

/** Reads and checks the record at `file` (a regular file of at most MAX_OPEN_RECORD_BYTES, read asynchronously). */
export async function readRunRecord(file: string, maxBytes = MAX_OPEN_RECORD_BYTES): Promise<EngineMessage[]> {
  return parseRunRecord(await readRegularFile(file, maxBytes));
}
