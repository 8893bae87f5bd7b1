// Reads the typed settings of contributions.ts and turns them (plus a launch configuration, when debugging) into
// the engine's StartOptions.
import * as vscode from 'vscode';
import type { DetectorThresholds, StartOptions } from '../protocol/messages';
import { THRESHOLD_NAMES, type LaunchArguments, type Settings } from './contributions';

export function setting<K extends keyof Settings>(key: K, scope?: vscode.Uri): Settings[K] {
  const value = vscode.workspace.getConfiguration('gradlens', scope).get<Settings[K]>(key);
  if (value === undefined) throw new Error(`setting gradlens.${key} has no default: package.json is out of date`);
  return value;
}

/** Only the thresholds the user changed; the engine fills in the rest from protocol/thresholds.ts. */
export function thresholdOverrides(scope?: vscode.Uri): Partial<DetectorThresholds> {
  const config = vscode.workspace.getConfiguration('gradlens.detectors', scope);
  const out: Partial<DetectorThresholds> = {};
  for (const name of THRESHOLD_NAMES) {
    const inspected = config.inspect<number>(name);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
  }
  return out;
}

export function startOptions(modelFile: string, launch?: Partial<LaunchArguments>): StartOptions {
  const scope = vscode.Uri.file(modelFile);
  const maxSteps = launch?.maxSteps ?? setting('training.maxSteps', scope);
  const epochs = launch?.epochs ?? setting('training.epochs', scope);
  const options: StartOptions = {
    modelFile,
    backend: launch?.backend ?? setting('backend', scope),
    histogramEvery: launch?.histogramEvery ?? setting('telemetry.histogramEvery', scope),
    thresholds: thresholdOverrides(scope),
  };
  if (maxSteps > 0) options.maxSteps = maxSteps;
  if (epochs > 0) options.epochs = epochs;
  if (launch?.seed !== undefined) options.seed = launch.seed;
  if (launch?.stopOnEntry) options.stopOnEntry = true;
  return options;
}
