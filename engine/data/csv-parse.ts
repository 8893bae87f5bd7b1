// A small RFC 4180 reader: quoted cells may hold the delimiter, newlines and doubled quotes. Each row remembers the
// line it starts on so errors can point at file:line.

export interface CsvRow {
  /** 1-based line number in the file where the row starts. */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Rows in file order, blank lines skipped. A leading byte-order mark is ignored. */
export function parseCsv(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const len = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < len) {
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let rowDone = false;
    while (!rowDone) {
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= len) throw new CsvSyntaxError(quoteLine, 'a quoted cell is never closed');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
      }
      // Unquoted text, or whatever follows a closing quote up to the next delimiter / end of line.
      while (i < len && text[i] !== '\n' && text[i] !== '\r' && !text.startsWith(delimiter, i)) {
        cell += text[i];
        i++;
      }
      cells.push(cell);
      cell = '';
      if (i < len && text.startsWith(delimiter, i)) {
        i += delimiter.length;
      } else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        rowDone = true;
      }
    }
    if (!(cells.length === 1 && cells[0].trim() === '')) rows.push({ line: startLine, cells });
  }
  return rows;
}
