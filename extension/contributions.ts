// Every command, setting, debugger and menu the extension contributes, typed in one place (as js-debug's
// contributionUtils.ts does). package.json's `contributes` and `activationEvents` are checked against this
// module by test/unit/extension-contributions.test.ts, so code and manifest cannot drift apart.
import type { AnomalyKind, DetectorThresholds } from '../protocol/messages';
import { DEFAULT_THRESHOLDS } from '../protocol/thresholds';

export const EXTENSION_ID = 'gradlens.gradlens';
export const DEBUG_TYPE = 'gradlens';
export const PANEL_VIEW_TYPE = 'gradlens.panel';

export enum Commands {
  Train = 'gradlens.train',
  Debug = 'gradlens.debug',
  Pause = 'gradlens.pause',
  Resume = 'gradlens.resume',
  Step = 'gradlens.step',
  Stop = 'gradlens.stop',
  SkipBatch = 'gradlens.skipBatch',
  HalveLearningRate = 'gradlens.halveLearningRate',
  ShowPanel = 'gradlens.showPanel',
  OpenRun = 'gradlens.openRun',
  NewModelFile = 'gradlens.newModelFile',
}

/** Context keys the extension sets for `when` clauses. */
export enum ContextKeys {
  IsModelFile = 'gradlens.isModelFile',
  Running = 'gradlens.running',
  Paused = 'gradlens.paused',
  /** The workspace has no launch configuration, so F5 would ask which debugger to use. */
  NoLaunchConfigurations = 'gradlens.noLaunchConfigurations',
}

interface CommandInfo {
  command: Commands;
  title: string;
  icon?: string;
  enablement?: string;
}

const commandInfos: CommandInfo[] = [
  { command: Commands.Train, title: 'Train Current Model', icon: '$(play)' },
  { command: Commands.Debug, title: 'Debug Current Model', icon: '$(debug-alt)' },
  { command: Commands.Pause, title: 'Pause Training', icon: '$(debug-pause)' },
  { command: Commands.Resume, title: 'Resume Training', icon: '$(debug-continue)' },
  { command: Commands.Step, title: 'Step One Batch', icon: '$(debug-step-over)' },
  { command: Commands.Stop, title: 'Stop Training', icon: '$(debug-stop)' },
  { command: Commands.SkipBatch, title: 'Skip This Batch and Continue' },
  { command: Commands.HalveLearningRate, title: 'Halve the Learning Rate and Continue' },
  { command: Commands.ShowPanel, title: 'Show Gradient Panel', icon: '$(graph)' },
  { command: Commands.OpenRun, title: 'Open Run...' },
  { command: Commands.NewModelFile, title: 'New Model File' },
];

/** Settings, by key (without the `gradlens.` prefix), with their types. */
export interface Settings {
  backend: 'auto' | 'cpu' | 'wasm' | 'gpujs';
  'telemetry.histogramEvery': number;
  'training.maxSteps': number;
  'training.epochs': number;
  'panel.openOnTrain': boolean;
  'codeLens.enabled': boolean;
  'decorations.enabled': boolean;
  'runs.keep': number;
  python: string;
}

export type DetectorSettingKey = `detectors.${keyof DetectorThresholds}`;

interface SettingSchema {
  type: 'string' | 'number' | 'integer' | 'boolean';
  default: string | number | boolean;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
  minimum?: number;
  scope?: 'resource' | 'window';
}

const settingSchemas: { [K in keyof Settings]: SettingSchema } = {
  backend: {
    type: 'string',
    enum: ['auto', 'cpu', 'wasm', 'gpujs'],
    default: 'auto',
    description: 'Where kernels run: auto picks the fastest available backend per kernel.',
  },
  'telemetry.histogramEvery': {
    type: 'integer',
    minimum: 1,
    default: 10,
    description: 'Send activation and gradient histograms every N steps (scalars are sent every step).',
  },
  'training.maxSteps': {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Stop a run after this many batches (0 = no limit). Handy for quick checks.',
  },
  'training.epochs': {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: "Override the model file's number of epochs (0 = use the model file's value).",
  },
  'panel.openOnTrain': { type: 'boolean', default: true, description: 'Open the gradient panel when a run starts.' },
  'codeLens.enabled': {
    type: 'boolean',
    default: true,
    description: 'Show "Train | Debug" above the default export of model files, or above a script\'s training loop.',
  },
  'decorations.enabled': {
    type: 'boolean',
    default: true,
    description: "Show each layer's latest gradient norm and warnings at the end of its line.",
  },
  'runs.keep': {
    type: 'integer',
    minimum: 0,
    default: 30,
    markdownDescription:
      'Keep this many run records in `.gradlens/runs` (the newest); older ones are deleted when a run starts. 0 keeps all.',
  },
  python: {
    type: 'string',
    default: '',
    scope: 'resource',
    markdownDescription:
      'The Python interpreter that runs PyTorch scripts (`.py` model files). Empty: the Python extension\'s `python.defaultInterpreterPath` when set, else `/usr/bin/python3`.',
  },
};

/** One sentence per detector threshold; the defaults come from protocol/thresholds.ts (the engine's own). */
const thresholdDescriptions: { [K in keyof DetectorThresholds]: string } = {
  vanishingRatio: 'Vanishing gradient: first/last layer gradient-norm ratio below this (AUTOTRAINER).',
  vanishingFirstNorm: 'Vanishing gradient: first-layer gradient norm below this (AUTOTRAINER).',
  vanishingMeanAbs: 'Vanishing gradient: mean |grad| of a layer below this (TheDeepChecker, SageMaker Debugger).',
  explodingRatio: 'Exploding gradient: first/last layer gradient-norm ratio above this (AUTOTRAINER).',
  explodingNorm: 'Exploding gradient: a layer gradient norm above this.',
  deadZeroGradFrac: 'Dead ReLU: fraction of exactly-zero gradients at or above this (AUTOTRAINER).',
  deadUnitActiveFrac: 'Dead ReLU: a unit counts as dead when active less than this fraction of the time.',
  deadLayerFrac: 'Dead ReLU: a layer is flagged when more than this fraction of its units are dead.',
  tanhSaturation: 'Saturation: |input| of tanh above this counts as saturated (SageMaker Debugger).',
  sigmoidLow: 'Saturation: sigmoid input below this counts as saturated.',
  sigmoidHigh: 'Saturation: sigmoid input above this counts as saturated.',
  saturationFrac: 'Saturation: a layer is flagged when more than this fraction of its outputs is saturated.',
  updateRatioLow: 'Update ratio: ||lr * update|| / ||w|| below this is flagged.',
  updateRatioHigh: 'Update ratio: ||lr * update|| / ||w|| above this is flagged.',
  lossSpikeRatio: 'Loss spike: loss also at or above this multiple of the windowed mean (llm-foundry).',
  lossSpikeWindow: 'Loss spike: number of steps in the window of the running mean and standard deviation.',
  lossSpikeSigma: 'Loss spike: loss more than this many standard deviations above the windowed mean (OLMo-core).',
  plateauWindow: 'Loss plateau: number of steps over which the loss must improve.',
  plateauRelTol: 'Loss plateau: relative improvement below this over the window is a plateau.',
  oscillationWindow: 'Oscillation: number of steps examined for sign changes of the loss delta.',
  oscillationFrac: 'Oscillation: fraction of sign changes above this is flagged.',
  warmupSteps: 'Steps to wait before the loss-trend detectors judge (the warm-up is noisy by nature).',
  patience: 'Consecutive steps a layer-level rule must hold before it fires.',
};

export const THRESHOLD_NAMES = Object.keys(thresholdDescriptions) as (keyof DetectorThresholds)[];

/** Anomaly kinds offered as exception breakpoint filters, with the threshold their condition overrides. */
export interface AnomalyFilter {
  kind: AnomalyKind;
  label: string;
  default: boolean;
  conditionDescription: string;
}

export const ANOMALY_FILTERS: readonly AnomalyFilter[] = [
  {
    kind: 'lossSpike',
    label: 'Loss spike',
    default: true,
    conditionDescription: 'Stop when loss is at least this multiple of the running mean, e.g. 3',
  },
  // On by default: a newcomer expects a debugger to stop where the loss or a gradient turns NaN or Inf, and a healthy
  // run never trips it.
  { kind: 'nonFinite', label: 'NaN/Inf', default: true, conditionDescription: 'Not used (any NaN or Inf stops)' },
  {
    kind: 'vanishingGradient',
    label: 'Vanishing gradient',
    default: false,
    conditionDescription: 'Stop when the first/last gradient-norm ratio is below this, e.g. 1e-3',
  },
  {
    kind: 'explodingGradient',
    label: 'Exploding gradient',
    default: false,
    conditionDescription: 'Stop when the first/last gradient-norm ratio is above this, e.g. 70',
  },
  {
    kind: 'deadRelu',
    label: 'Dead ReLU',
    default: false,
    conditionDescription: 'Stop when this fraction of gradients is exactly zero, e.g. 0.7',
  },
  {
    kind: 'saturation',
    label: 'Saturation',
    default: false,
    conditionDescription: 'Stop when this fraction of outputs is saturated, e.g. 0.5',
  },
];

const launchAttributes = {
  program: { type: 'string', description: 'The model file to train.', default: '${file}' },
  maxSteps: { type: 'integer', description: 'Stop after this many batches (0 = no limit).', default: 0 },
  epochs: { type: 'integer', description: "Override the model file's epochs (0 = the file's value).", default: 0 },
  seed: { type: 'integer', description: "Override the model file's random seed." },
  backend: { type: 'string', enum: ['auto', 'cpu', 'wasm', 'gpujs'], description: 'Kernel backend.' },
  histogramEvery: { type: 'integer', description: 'Histogram cadence in steps.' },
  stopOnEntry: { type: 'boolean', description: 'Pause before the first training step.', default: false },
};

/** Arguments of a `gradlens` launch configuration. */
export interface LaunchArguments {
  program: string;
  maxSteps?: number;
  epochs?: number;
  seed?: number;
  backend?: Settings['backend'];
  histogramEvery?: number;
  stopOnEntry?: boolean;
}

const MODEL_FILE_WHEN = `${ContextKeys.IsModelFile} && !inDebugMode`;

function buildConfiguration(): { title: string; properties: Record<string, SettingSchema> } {
  const properties: Record<string, SettingSchema> = {};
  for (const [key, schema] of Object.entries(settingSchemas)) properties[`gradlens.${key}`] = schema;
  for (const name of THRESHOLD_NAMES) {
    properties[`gradlens.detectors.${name}`] = {
      type: 'number',
      default: DEFAULT_THRESHOLDS[name],
      description: thresholdDescriptions[name],
    };
  }
  return { title: 'Gradlens', properties };
}

/** The exact `contributes` section of package.json. */
export function buildContributes(): Record<string, unknown> {
  const runningOnly = new Set<string>([Commands.Pause, Commands.Resume, Commands.Step, Commands.Stop]);
  const pausedOnly = new Set<string>([Commands.SkipBatch, Commands.HalveLearningRate]);
  return {
    commands: commandInfos.map((c) => ({
      command: c.command,
      title: c.title,
      category: 'Gradlens',
      ...(c.icon ? { icon: c.icon } : {}),
    })),
    menus: {
      commandPalette: [
        ...commandInfos.filter((c) => runningOnly.has(c.command)).map((c) => ({ command: c.command, when: ContextKeys.Running })),
        // Time travel acts on a stop: only while a run is paused.
        ...commandInfos.filter((c) => pausedOnly.has(c.command)).map((c) => ({ command: c.command, when: ContextKeys.Paused })),
      ],
      'editor/title/run': [
        { command: Commands.Train, when: MODEL_FILE_WHEN, group: 'navigation@0' },
        { command: Commands.Debug, when: MODEL_FILE_WHEN, group: 'navigation@1' },
      ],
      'editor/title': [{ command: Commands.ShowPanel, when: ContextKeys.IsModelFile, group: 'navigation@9' }],
    },
    // F5 (Ctrl+F5) on a model file with no launch.json debugs (trains) it at once: VS Code would otherwise ask
    // which debugger to use, since the built-in JavaScript debugger also claims TypeScript files.
    keybindings: [
      { command: Commands.Debug, key: 'f5', when: `${MODEL_FILE_WHEN} && ${ContextKeys.NoLaunchConfigurations}` },
      { command: Commands.Train, key: 'ctrl+f5', when: `${MODEL_FILE_WHEN} && ${ContextKeys.NoLaunchConfigurations}` },
    ],
    configuration: buildConfiguration(),
    colors: [
      {
        id: 'gradlens.gradNormForeground',
        description: "Colour of a layer's gradient norm shown at the end of its line.",
        defaults: { dark: '#8a8a8a', light: '#6e6e6e', highContrast: '#ffffff', highContrastLight: '#000000' },
      },
      {
        id: 'gradlens.warningForeground',
        description: 'Colour of the warning mark at a layer whose detector fired.',
        defaults: { dark: '#cca700', light: '#bf8803', highContrast: '#ffcc00', highContrastLight: '#895503' },
      },
      {
        id: 'gradlens.warningLineBackground',
        description: 'Background of a layer line whose detector fired.',
        defaults: { dark: '#cca70014', light: '#bf880314', highContrast: '#00000000', highContrastLight: '#00000000' },
      },
    ],
    breakpoints: [{ language: 'typescript' }, { language: 'javascript' }],
    debuggers: [
      {
        type: DEBUG_TYPE,
        label: 'Gradlens',
        languages: ['typescript', 'javascript', 'python'],
        configurationAttributes: { launch: { required: ['program'], properties: launchAttributes } },
        initialConfigurations: [
          { type: DEBUG_TYPE, request: 'launch', name: 'Gradlens: Train model', program: '${file}' },
        ],
        configurationSnippets: [
          {
            label: 'Gradlens: Train model',
            description: 'Train a Gradlens model file under the debugger.',
            body: { type: DEBUG_TYPE, request: 'launch', name: 'Gradlens: Train model', program: '^"\\${file}"' },
          },
          {
            label: 'Gradlens: Quick check (100 steps)',
            description: 'Train for at most 100 batches, stopping on anomalies.',
            body: {
              type: DEBUG_TYPE,
              request: 'launch',
              name: 'Gradlens: Quick check',
              program: '^"\\${file}"',
              maxSteps: 100,
            },
          },
        ],
      },
    ],
    // IntelliSense for `import ... from 'gradlens'` with nothing written into the workspace (tsserver-plugin.ts;
    // scripts/package-vsix.mjs packs it under this name). Also for workspace TypeScript versions: users pick theirs.
    typescriptServerPlugins: [{ name: TSSERVER_PLUGIN, enableForWorkspaceTypeScriptVersions: true }],
  };
}

export const TSSERVER_PLUGIN = 'gradlens-tsserver-plugin';

export const ACTIVATION_EVENTS: readonly string[] = [
  'onLanguage:typescript',
  'onLanguage:javascript',
  'onLanguage:python',
  `onDebugResolve:${DEBUG_TYPE}`,
  `onDebugDynamicConfigurations:${DEBUG_TYPE}`,
  `onWebviewPanel:${PANEL_VIEW_TYPE}`,
];

/** `capabilities`: model files are code the engine runs, so untrusted workspaces get no training. */
export const CAPABILITIES = {
  // 'limited' rather than false so that the extension can say why it refuses to train (a disabled extension
  // would just leave its commands missing).
  untrustedWorkspaces: {
    supported: 'limited',
    description: 'Gradlens runs model files, which are code: training and debugging need a trusted workspace.',
  },
  virtualWorkspaces: false,
};
