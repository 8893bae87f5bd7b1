// torch.device: Gradlens computes in float32 on the CPU, so 'cpu' is the one device, and .to(device) / .cpu() are
// the no-ops they are in PyTorch for a tensor already there. A device Gradlens cannot use is a clear error rather
// than a silent CPU run the user did not ask for.
export class Device {
  readonly type = 'cpu';
  readonly index: number | null;
  constructor(index: number | null = null) {
    this.index = index;
  }
  toString(): string {
    return this.index === null ? 'cpu' : `cpu:${this.index}`;
  }
}

export type DeviceLike = Device | string;

/** The CPU device named by `d` ('cpu', 'cpu:0', a Device); any other device throws, naming `where`. */
export function toDevice(d: unknown, where: string): Device {
  if (d instanceof Device) return d;
  if (typeof d === 'string') {
    const m = /^cpu(?::(\d+))?$/.exec(d);
    if (m) return new Device(m[1] === undefined ? null : Number(m[1]));
    if (d === 'float32' || d === 'torch.float32') return new Device();
    const kind = d.split(':')[0];
    throw new Error(
      `${where}: device '${d}' is not available in Gradlens, which computes on the CPU (float32)` +
        (['cuda', 'mps', 'xpu', 'meta'].includes(kind) ? "; write torch.device('cpu') or leave the .to(...) out" : ''),
    );
  }
  throw new TypeError(`${where}: expected a device ('cpu' or torch.device('cpu')), got ${d === null ? 'null' : typeof d}`);
}
