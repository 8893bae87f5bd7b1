// Reading files whose paths come from untrusted input (a run record names its model file; a user opens any file as
// a record) without letting the path hang or flood the host: only regular files are read (a FIFO would block the
// read forever, /dev/zero never ends), only up to a size, and never synchronously, so the extension host's one
// thread is never held by a read (issue 24: a crafted record's modelFile "/dev/zero" took 6.6 GB in 30 s).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/** The text of a regular file of at most `maxBytes`; rejects with UnreadableFileError (what and why) otherwise. */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is refused just below).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UnreadableFileError(file, code === 'ENOENT' ? 'no such file' : `cannot be opened (${code ?? String(err)})`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new UnreadableFileError(file, 'is a folder');
    if (!st.isFile()) throw new UnreadableFileError(file, 'is not a regular file (a device, FIFO or socket)');
    if (st.size > maxBytes) {
      throw new UnreadableFileError(file, `is ${(st.size / 2 ** 20).toFixed(0)} MB, more than the ${(maxBytes / 2 ** 20).toFixed(0)} MB Gradlens reads`);
    }
    // Read what stat promised and no more (a file that grows meanwhile is cut, never read without end).
    const buffer = Buffer.alloc(st.size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}
