// How a PyTorch script is launched: the interpreter, the script's own arguments and torch.distributed's topology.
// The host (the CLI, the extension) hands it to the Python bridge process in one environment variable, beside the
// protocol's StartOptions, so the protocol stays the same for every engine. Pure: no process is touched here.

/** The environment variable the host sets on the bridge process (JSON of PythonLaunch). */
export const PYTHON_LAUNCH_ENV = 'GRADLENS_PYTHON_LAUNCH';

/** Debian's python3-torch imports only from Debian's own interpreter; another python3 may come first on PATH. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

export interface PythonLaunch {
  /** The interpreter (default /usr/bin/python3). */
  python?: string;
  /** The script's own arguments (sys.argv[1:]). */
  args?: string[];
  /** Processes (ranks) on this machine; more than one launches a torch.distributed job (env:// rendezvous). */
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

export interface RankSpec {
  /** Global rank (RANK). */
  rank: number;
  localRank: number;
  worldSize: number;
}

/** Reads the launch from the bridge's environment; a malformed value is a host bug and says so. */
export function readLaunch(env: NodeJS.ProcessEnv): PythonLaunch {
  const raw = env[PYTHON_LAUNCH_ENV];
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${PYTHON_LAUNCH_ENV} must be a JSON object`);
  return parsed as PythonLaunch;
}

/** The ranks this machine runs: torchrun's numbering (node_rank * nproc_per_node + local_rank). */
export function ranksOf(launch: PythonLaunch): RankSpec[] {
  const nproc = Math.max(1, launch.nprocPerNode ?? 1);
  const nnodes = Math.max(1, launch.nnodes ?? 1);
  const node = launch.nodeRank ?? 0;
  if (node < 0 || node >= nnodes) throw new Error(`--node-rank ${node} is outside 0..${nnodes - 1} (--nnodes ${nnodes})`);
  return Array.from({ length: nproc }, (_, local) => ({ rank: node * nproc + local, localRank: local, worldSize: nproc * nnodes }));
}

/** torch.distributed's env:// variables for one rank (what torchrun sets), when the job has more than one. */
export function distributedEnv(launch: PythonLaunch, spec: RankSpec, port: number): Record<string, string> {
  if (spec.worldSize <= 1) return {};
  const nproc = Math.max(1, launch.nprocPerNode ?? 1);
  return {
    MASTER_ADDR: launch.masterAddr ?? '127.0.0.1',
    MASTER_PORT: String(port),
    RANK: String(spec.rank),
    WORLD_SIZE: String(spec.worldSize),
    LOCAL_RANK: String(spec.localRank),
    LOCAL_WORLD_SIZE: String(nproc),
    GROUP_RANK: String(launch.nodeRank ?? 0),
  };
}
