// A report that can be shared outside the machine it was made on (`gradlens report --redact`): no stack traces,
// no absolute paths (the user's home, workspace and model folder become relative names), no process id and no
// record path. Applied to each message the report keeps.
import type { EngineMessage } from '../protocol/messages';

export interface RedactRoots {
  /** Folders whose absolute paths are cut from every string, longest first (e.g. the model's folder, cwd, home). */
  folders: readonly string[];
}

const DROPPED_KEYS = new Set(['stack', 'pid', 'recordPath']);

function redactString(s: string, folders: readonly string[]): string {
  let out = s;
  for (const f of folders) {
    if (!f || f === '/' || f === '\\') continue;
    // "<folder>/x" -> "x", and the folder itself -> "."; both separators, as Windows paths may use either.
    for (const sep of ['/', '\\']) out = out.split(f.endsWith(sep) ? f : f + sep).join('');
    out = out.split(f).join('.');
  }
  return out;
}

function redactValue(v: unknown, folders: readonly string[]): unknown {
  if (typeof v === 'string') return redactString(v, folders);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, folders));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!DROPPED_KEYS.has(k)) out[k] = redactValue(x, folders);
    return out;
  }
  return v;
}

export function redactMessage(msg: EngineMessage, roots: RedactRoots): EngineMessage {
  const folders = [...roots.folders].filter(Boolean).sort((a, b) => b.length - a.length);
  return redactValue(msg, folders) as EngineMessage;
}
