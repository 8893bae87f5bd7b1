export declare function candidateCores(flags: Set<string>): string[];
export declare function pickCore(detected: string | null, gflops: Record<string, number>): { chosen: string | null; env: Record<string, string> };
export declare function chooseOpenblasCore(python: string, log?: (line: string) => void): {
  detected: string | null;
  chosen: string | null;
  gflops: Record<string, number>;
  env: Record<string, string>;
  note?: string;
};
