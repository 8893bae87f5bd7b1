export declare function engineFlagsFor(computeThreads?: number): string[];
export declare const ENGINE_FLAGS: string[];
export declare const MALLOC_ENV: Record<string, string>;
