// Which CPU this is, as far as kernel speed goes. Virtual machines often report a model name that names neither the
// generation nor the vector width ("AMD EPYC" for a Zen 3 and for a Zen 5 with AVX-512, on the same day, behind
// the same name): the family and model numbers and the widest x86 vector extension tell them apart. PyTorch's
// kernels pick their instruction set from the same flags, so a benchmark's ratios belong to this identity, and a
// calibration cached under a name alone could be reused on a different CPU.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The first processor's fields of a /proc/cpuinfo text ("key\t: value" lines up to the first blank line). */
function firstProcessor(cpuinfo: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of cpuinfo.split('\n')) {
    if (line.trim() === '') {
      if (fields.size > 0) break;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The widest x86 SIMD extension among the flags ('AVX-512', 'AVX2', 'AVX', 'SSE4.2'), or undefined. */
function widestVectors(flags: string): string | undefined {
  const has = new Set(flags.split(/\s+/));
  if (has.has('avx512f')) return 'AVX-512';
  if (has.has('avx2')) return 'AVX2';
  if (has.has('avx')) return 'AVX';
  if (has.has('sse4_2')) return 'SSE4.2';
  return undefined;
}

/**
 * "AMD EPYC (family 26, model 2, AVX-512)": the model name with, where /proc/cpuinfo gives them (Linux on x86),
 * the family, model and widest vector extension. Elsewhere, the model name alone.
 */
export function cpuIdentity(cpuinfo: string | null = readCpuinfo(), modelName = cpus()[0]?.model.trim() || 'unknown cpu'): string {
  if (!cpuinfo) return modelName;
  const f = firstProcessor(cpuinfo);
  const name = f.get('model name') || modelName;
  const family = f.get('cpu family');
  const model = f.get('model');
  const vectors = widestVectors(f.get('flags') ?? '');
  const parts = [family !== undefined ? `family ${family}` : '', model !== undefined && family !== undefined ? `model ${model}` : '', vectors ?? ''].filter(Boolean);
  return parts.length ? `${name} (${parts.join(', ')})` : name;
}

function readCpuinfo(): string | null {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}
