export declare function engineFlagsFor(computeThreads?: number): string[];
export declare const ENGINE_FLAGS: string[];
