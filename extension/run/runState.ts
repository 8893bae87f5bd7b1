// The state of one training run as the extension host sees it, folded from the engine's messages in order: the
// run's progress (phase, last step and epoch, pause, end, errors, throughput: protocol/run-state.ts, the reducer
// the panel, the debugger and the CLI share), plus what only the editor views need (the model graph, per-layer
// recent statistics, the anomalies, and the messages a panel opened late replays). It knows nothing of VS Code, so
// the status bar, decorations, diagnostics and panel can all read it and it can be tested alone.
import type {
  Anomaly,
  EngineMessage,
  EngineMessageOf,
  ErrorInfo,
  FrameInfo,
  LayerInfo,
  LayerStats,
  ModelGraph,
  RunConfig,
} from '../../protocol/messages';
import { RunProgress, type RunPhase } from '../../protocol/run-state';

export type { RunPhase } from '../../protocol/run-state';

/** How many recent statistics per layer the hover shows. */
export const LAYER_HISTORY = 8;

export interface PauseState {
  step: number;
  reason: EngineMessageOf<'paused'>['reason'];
  description: string;
  anomaly?: Anomaly;
  frames: FrameInfo[];
}

export class RunState {
  /** The shared reducer: phase, last step and epoch, pause, end, errors, throughput. */
  readonly progress = new RunProgress();
  graph?: ModelGraph;
  readonly anomalies: Anomaly[] = [];
  /** Recent stats per layer id, oldest first, with the step they belong to. */
  readonly layerHistory = new Map<string, { step: number; stats: LayerStats }[]>();
  /**
   * The run's messages for a panel opened late (it replays them). Per-step telemetry is thinned once there are
   * more than `maxRetained` (every other step, then every fourth...), so a 100k-step run cannot exhaust the
   * extension host; everything else (graph, anomalies, epochs, pauses, errors) is always kept.
   */
  messages: EngineMessage[] = [];
  private stride = 1;
  private layersById = new Map<string, LayerInfo>();

  constructor(
    readonly modelFile: string,
    readonly maxRetained = 200_000,
  ) {}

  get phase(): RunPhase {
    return this.progress.phase;
  }
  get runId(): string | undefined {
    return this.progress.runStarted?.runId;
  }
  get config(): RunConfig | undefined {
    return this.progress.config;
  }
  get lastStep(): EngineMessageOf<'step'> | undefined {
    return this.progress.lastStep;
  }
  get lastEpoch(): EngineMessageOf<'epoch'> | undefined {
    return this.progress.lastEpoch;
  }
  get finished(): EngineMessageOf<'finished'> | undefined {
    return this.progress.finished;
  }
  get paused(): PauseState | undefined {
    const p = this.progress.paused;
    return p && { step: p.step, reason: p.reason, description: p.description, anomaly: p.anomaly, frames: p.frames };
  }
  get errors(): readonly ErrorInfo[] {
    return this.progress.errors;
  }

  /** The engine went away without a `finished`: the run is over. */
  markEnded(): void {
    this.progress.markEnded();
  }

  apply(msg: EngineMessage): void {
    if (msg.type === 'response' || msg.type === 'hello') return;
    this.retain(msg);
    this.progress.apply(msg);
    switch (msg.type) {
      case 'graph':
        this.graph = msg.graph;
        this.layersById = new Map(msg.graph.layers.map((l) => [l.id, l]));
        break;
      case 'layerStats':
        for (const stats of msg.layers) {
          const history = this.layerHistory.get(stats.id) ?? [];
          history.push({ step: msg.step, stats });
          if (history.length > LAYER_HISTORY) history.shift();
          this.layerHistory.set(stats.id, history);
        }
        break;
      case 'anomaly':
        this.anomalies.push(msg.anomaly);
        break;
      default:
        break;
    }
  }

  private retain(msg: EngineMessage): void {
    const step = perStepStep(msg);
    if (step !== undefined && step % this.stride !== 0) return;
    this.messages.push(msg);
    if (this.messages.length <= this.maxRetained) return;
    this.stride *= 2;
    this.messages = this.messages.filter((m) => {
      const s = perStepStep(m);
      return s === undefined || s % this.stride === 0;
    });
  }

  /** Samples per second: over the recent steps while the run goes on, over all of them once it has finished. */
  samplesPerSec(): number {
    return this.progress.samplesPerSec();
  }

  layer(id: string): LayerInfo | undefined {
    return this.layersById.get(id);
  }

  /** Total number of batches the run will take, when known (for the progress bar). */
  totalSteps(maxSteps?: number): number | undefined {
    const perEpoch = this.lastStep?.batchesPerEpoch;
    const epochs = this.config?.epochs;
    // epochs 0: a script's own loop, whose length is not known in advance.
    const total = perEpoch !== undefined && epochs ? perEpoch * epochs : undefined;
    if (maxSteps && maxSteps > 0) return total === undefined ? maxSteps : Math.min(total, maxSteps);
    return total;
  }
}

/** The step of a per-step telemetry message (the ones that may be thinned), else undefined. */
function perStepStep(m: EngineMessage): number | undefined {
  return m.type === 'step' || m.type === 'layerStats' || m.type === 'histograms' ? m.step : undefined;
}
