// Inline decorations at each layer's line: its latest gradient norm, a warning mark when a detector fired, and a
// hover with its recent statistics. Decoration types are created once; redraws are throttled; colours are the
// theme colours declared in contributes.colors.
import * as vscode from 'vscode';
import type { Anomaly, LayerInfo } from '../../protocol/messages';
import { setting } from '../config';
import type { ActiveRun, RunManager } from '../run/runManager';
import { decorationText, layerHoverMarkdown } from '../run/format';

const REFRESH_MS = 250;

export class LayerDecorations implements vscode.Disposable {
  private readonly normal = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('gradlens.gradNormForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  private readonly warning = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('gradlens.warningLineBackground'),
    after: { color: new vscode.ThemeColor('gradlens.warningForeground'), margin: '0 0 0 2em' },
    overviewRulerColor: new vscode.ThemeColor('gradlens.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly disposables: vscode.Disposable[] = [this.normal, this.warning];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runs: RunManager) {
    this.disposables.push(
      runs.onDidStartRun(() => this.schedule()),
      runs.onDidReceive(({ messages }) => {
        if (messages.some((m) => m.type === 'layerStats' || m.type === 'anomaly' || m.type === 'graph')) {
          this.schedule();
        }
      }),
      runs.onDidEndRun(() => this.schedule()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gradlens.decorations')) this.schedule();
      }),
    );
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, REFRESH_MS);
  }

  private render(): void {
    const run = this.runs.run;
    for (const editor of vscode.window.visibleTextEditors) {
      const enabled = setting('decorations.enabled', editor.document.uri);
      const [normal, warning] = run && enabled ? this.optionsFor(run, editor.document) : [[], []];
      editor.setDecorations(this.normal, normal);
      editor.setDecorations(this.warning, warning);
    }
  }

  private optionsFor(run: ActiveRun, doc: vscode.TextDocument): [vscode.DecorationOptions[], vscode.DecorationOptions[]] {
    const layers = (run.state.graph?.layers ?? []).filter((l) => l.source?.file === doc.uri.fsPath);
    // Several layers can be built on one line (e.g. nn.Sequential(...) on one line): one decoration per line.
    const byLine = new Map<number, LayerInfo[]>();
    for (const l of layers) {
      const line = (l.source?.line ?? 1) - 1;
      if (line >= doc.lineCount) continue;
      byLine.set(line, [...(byLine.get(line) ?? []), l]);
    }
    const normal: vscode.DecorationOptions[] = [];
    const warning: vscode.DecorationOptions[] = [];
    for (const [line, lineLayers] of byLine) {
      const texts: string[] = [];
      const hover = new vscode.MarkdownString();
      let fired: Anomaly[] = [];
      for (const l of lineLayers) {
        const history = run.state.layerHistory.get(l.id) ?? [];
        const anomalies = run.state.anomalies.filter((a) => a.layer?.id === l.id);
        fired = fired.concat(anomalies);
        const text = decorationText(history.at(-1)?.stats, anomalies);
        if (text) texts.push(lineLayers.length > 1 ? `${l.id}: ${text}` : text);
        hover.appendMarkdown(layerHoverMarkdown(`${l.name} (${l.id})`, history, anomalies) + '\n\n');
      }
      if (!texts.length) continue;
      // The whole line (from its first character) so hovering the layer's code shows its statistics; the text
      // is drawn after the range's end, the end of the line.
      const textLine = doc.lineAt(line);
      const option: vscode.DecorationOptions = {
        range: new vscode.Range(line, textLine.firstNonWhitespaceCharacterIndex, line, textLine.range.end.character),
        hoverMessage: hover,
        renderOptions: { after: { contentText: texts.join('   ') } },
      };
      (fired.length ? warning : normal).push(option);
    }
    return [normal, warning];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
