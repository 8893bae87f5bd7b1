// gpu.js kernels by name: each source is declared once with a unique name (gpuKernel), and compiled kernels are
// cached per name, output size, constants and argument sizes (layouts and sizes are gpu.js constants, so each
// shape compiles its own kernel). Sources are strings, not functions, so that transpilers and bundlers cannot
// rewrite the code gpu.js parses; one output value per thread over a flat 1-D output, so results come back as
// one Float32Array.
import type { GPU } from 'gpu.js';
import { intoTarget } from '../../kernels/kernel-map';
import type { GpujsMode } from './modes';

export interface GpuKernel {
  /** Unique among the gpu.js kernels: the cache key's first part. */
  readonly name: string;
  readonly src: string;
}

const declared = new Map<string, string>();

/** Declares a kernel source under a name no other source has. */
export function gpuKernel(name: string, src: string): GpuKernel {
  const before = declared.get(name);
  if (before !== undefined && before !== src) throw new Error(`two gpu.js kernel sources are named '${name}'`);
  declared.set(name, src);
  return { name, src };
}

type Run = (...args: Float32Array[]) => Float32Array;

export class KernelCache {
  private readonly compiled = new Map<string, Run>();

  constructor(
    private readonly gpu: GPU,
    private readonly mode: GpujsMode,
  ) {}

  /** Runs `kernel` over `size` output values with these constants and arguments (compiled on first use). */
  call(kernel: GpuKernel, size: number, constants: Record<string, number>, ...args: Float32Array[]): Float32Array {
    return this.compile(kernel, size, constants, args)(...args);
  }


  clear(): void {
    this.compiled.clear();
  }

  private compile(kernel: GpuKernel, size: number, constants: Record<string, number>, args: Float32Array[]): Run {
    const key = `${kernel.name}|${size}|${JSON.stringify(constants)}|${args.map((a) => a.length).join(',')}`;
    let run = this.compiled.get(key);
    if (!run) {
      const k = this.gpu.createKernel(kernel.src, { output: [size], constants, precision: 'single', tactic: 'precision' });
      const mode = this.mode;
      run = (...a: Float32Array[]) => {
        const out = k(...a) as unknown;
        if (!(out instanceof Float32Array)) throw new Error(`gpu.js (${mode}) kernel '${kernel.name}' returned ${Object.prototype.toString.call(out)}, expected a Float32Array`);
        return out;
      };
      this.compiled.set(key, run);
    }
    return run;
  }
}

/** A result copied into the caller's target when it named one (see Into in kernel-map.ts). */
export function delivered(result: Float32Array, given: Float32Array | undefined, what: string): Float32Array {
  const target = intoTarget(given, result.length, what);
  if (!target) return result;
  target.set(result);
  return target;
}
