export declare const ENGINE_FLAGS: string[];
