// Every anomaly (and every engine error with a location) becomes an entry in the Problems panel at the layer's
// line, with the rule and its evidence; a new run clears them.
import * as vscode from 'vscode';
import type { Anomaly, ErrorInfo, SourceLocation } from '../../protocol/messages';
import type { RunManager } from '../run/runManager';
import { ANOMALY_TITLES, diagnosticMessage } from '../run/format';
import { modelDefinitionLocation } from './locations';

export class AnomalyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gradlens');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly byFile = new Map<string, vscode.Diagnostic[]>();
  private readonly seen = new Set<string>();
  /** Bumped by each new run, so a location read for the previous run is dropped. */
  private generation = 0;

  constructor(runs: RunManager) {
    this.disposables.push(
      runs.onDidStartRun(() => this.clear()),
      runs.onDidReceive(({ run, messages }) => {
        for (const m of messages) {
          if (m.type === 'anomaly') this.addAnomaly(m.anomaly, run.state.modelFile);
          else if (m.type === 'error' && m.error.location) this.addError(m.error, m.error.location);
        }
      }),
    );
  }

  private clear(): void {
    this.generation++;
    this.collection.clear();
    this.byFile.clear();
    this.seen.clear();
  }

  private addAnomaly(a: Anomaly, modelFile: string): void {
    // One entry per kind and layer: a detector that keeps firing every step would otherwise flood the panel.
    const key = `${a.kind}|${a.layer?.id ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (a.layer?.source) return this.pushAnomaly(a, a.layer.source);
    // No layer: point at the model's definition, read without blocking the host (the path comes from the run).
    const generation = this.generation;
    void modelDefinitionLocation(modelFile).then((loc) => {
      if (generation === this.generation) this.pushAnomaly(a, loc);
    });
  }

  private pushAnomaly(a: Anomaly, loc: SourceLocation): void {
    const severity = a.kind === 'nonFinite' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const d = new vscode.Diagnostic(lineRange(loc), diagnosticMessage(a), severity);
    d.source = 'Gradlens';
    d.code = `${ANOMALY_TITLES[a.kind]} (${a.rule.id})`;
    this.push(loc.file, d);
  }

  private addError(e: ErrorInfo, loc: SourceLocation): void {
    const text = e.hint ? `${e.message}\n${e.hint}` : e.message;
    const d = new vscode.Diagnostic(lineRange(loc), text, vscode.DiagnosticSeverity.Error);
    d.source = 'Gradlens';
    d.code = e.id;
    this.push(loc.file, d);
  }

  private push(file: string, d: vscode.Diagnostic): void {
    const list = this.byFile.get(file) ?? [];
    list.push(d);
    this.byFile.set(file, list);
    this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function lineRange(loc: SourceLocation): vscode.Range {
  const line = Math.max(0, loc.line - 1);
  // Whole line: the column is where the constructor call starts, the line is what the user recognises.
  return new vscode.Range(line, Math.max(0, loc.column - 1), line, Number.MAX_SAFE_INTEGER);
}
