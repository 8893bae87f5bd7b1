// Names the format and processor of a native executable from its header: ELF (Linux), Mach-O (macOS), PE (Windows).
export type ExecutableFormat = 'elf' | 'macho' | 'pe';
export type Arch = 'x64' | 'arm64' | 'arm';

export interface ExecutableKind {
  format: ExecutableFormat;
  arch: Arch | `unknown(0x${string})`;
}

const ELF_MACHINES: Record<number, Arch> = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm' };
const MACHO_CPUS: Record<number, Arch> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, Arch> = { 0x8664: 'x64', 0xaa64: 'arm64' };

function arch(table: Record<number, Arch>, code: number): ExecutableKind['arch'] {
  return table[code] ?? `unknown(0x${code.toString(16)})`;
}

/** The executable's format and architecture, or undefined when the bytes are none of the three formats. */
export function executableKind(bytes: Buffer): ExecutableKind | undefined {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    // e_machine: offset 18, in the byte order EI_DATA (offset 5) names.
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return { format: 'elf', arch: arch(ELF_MACHINES, machine) };
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    return { format: 'macho', arch: arch(MACHO_CPUS, bytes.readUInt32LE(4)) };
  }
  if (bytes.length >= 0x40 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.length >= pe + 6 && bytes.readUInt32BE(pe) === 0x50450000) {
      return { format: 'pe', arch: arch(PE_MACHINES, bytes.readUInt16LE(pe + 4)) };
    }
  }
  return undefined;
}
