// Watches the model's layers while it trains, through the engine's module-call observer: the order layers run
// in, their input/output shapes (for the graph), and on the steps that need them their outputs, inputs of
// saturating nonlinearities and output gradients (for the statistics). It also gives the debugger its hook into
// every layer call (layer breakpoints, stepping by layer).
import { setModuleCallObserver, type AnyModule } from '../nn/module';
import { Tensor } from '../tensor';

export type { AnyModule };

export interface LayerCapture {
  act?: Float32Array;
  actShape?: number[];
  input?: Float32Array;
  outGrad?: Float32Array;
  outGradShape?: number[];
}

export interface ProbeHooks {
  /** Any module call, before the probe looks at it (the session decides here whether a step begins). */
  call?(module: AnyModule, args: readonly unknown[]): void;
  /** Before a tracked layer's forward runs (may block: the debugger pauses here). */
  enter?(module: AnyModule, args: readonly unknown[]): void;
  /** While the backward pass computes the gradient of a tracked layer's output (may block). */
  backward?(module: AnyModule, outGrad: Tensor): void;
  /** Whether layer outputs should report their gradient to `backward` (asked at each layer call). */
  wantsBackward?(): boolean;
  /** Whether to keep layer tensors on this step although no statistics are due (the debugger may show them). */
  keepsTensors?(): boolean;
}

const SATURATING = new Set(['Tanh', 'Sigmoid']);

function firstTensor(v: unknown): Tensor | undefined {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) return x;
  return undefined;
}

export class LayerProbe {
  /** Tracked layers in the order their forward first ran. */
  readonly order: AnyModule[] = [];
  readonly inputShapes = new Map<AnyModule, number[]>();
  readonly outputShapes = new Map<AnyModule, number[]>();
  readonly captures = new Map<AnyModule, LayerCapture>();
  /** Capture tensors on this step (statistics due). */
  capture = false;
  active = false;
  hooks: ProbeHooks = {};
  private readonly seen = new Set<AnyModule>();

  constructor(private readonly tracked: ReadonlySet<AnyModule>) {}

  install(): void {
    setModuleCallObserver({
      before: (m, args) => {
        this.hooks.call?.(m, args);
        if (!this.active || !this.tracked.has(m)) return;
        if (!this.seen.has(m)) {
          this.seen.add(m);
          this.order.push(m);
          const t = firstTensor(args[0]);
          if (t) this.inputShapes.set(m, t.shape.slice());
        }
        this.hooks.enter?.(m, args);
      },
      after: (m, args, out) => {
        if (!this.active || !this.tracked.has(m)) return;
        const t = firstTensor(out);
        if (t && !this.outputShapes.has(m)) this.outputShapes.set(m, t.shape.slice());
        if (!t) return;
        if ((this.capture || this.hooks.keepsTensors?.()) && !this.captures.has(m)) {
          // First call of the step only: a layer reused in a loop (an RNN cell) is summarised by its first call.
          const c: LayerCapture = { act: t.data, actShape: t.shape };
          if (SATURATING.has(m.typeName)) c.input = firstTensor(args[0])?.data;
          this.captures.set(m, c);
          if (t.requires_grad) {
            t.register_hook((g) => {
              c.outGrad = g;
              c.outGradShape = t.shape;
            });
          }
        }
        if (t.requires_grad && this.hooks.wantsBackward?.()) t.register_hook((g) => this.hooks.backward?.(m, new Tensor(g, t.shape)));
      },
    });
  }

  uninstall(): void {
    setModuleCallObserver(null);
  }

  beginStep(capture: boolean): void {
    this.captures.clear();
    this.capture = capture;
  }
}
