// The gradient panel: one webview panel hosting dist/webview.js. It forwards the current run's engine messages in
// batches (a fast model sends hundreds a second; postMessage per message would swamp the webview), replays the
// whole run to a panel opened or restored late, and turns the webview's requests into editor actions.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { EngineMessage, HostToWebview, SourceLocation, WebviewToHost } from '../../protocol/messages';
import { renderWebviewHtml } from '../../webview/html';
import { Commands, PANEL_VIEW_TYPE } from '../contributions';
import type { RunManager } from '../run/runManager';
import { thresholdOverrides } from '../config';
import { answerWhatIf } from './whatIf';

const BATCH_MS = 50;

export class GradientPanel {
  private static current: GradientPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private queue: EngineMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready = false;

  /** Shows the panel beside the active editor, creating it if needed. */
  static createOrShow(extensionUri: vscode.Uri, runs: RunManager, preserveFocus = false): GradientPanel {
    if (GradientPanel.current) {
      GradientPanel.current.panel.reveal(undefined, preserveFocus);
      return GradientPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Gradlens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      GradientPanel.options(extensionUri),
    );
    GradientPanel.current = new GradientPanel(panel, extensionUri, runs);
    return GradientPanel.current;
  }

  /** Restores a panel VS Code kept across a reload (see the serializer registered in extension.ts). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, runs: RunManager): GradientPanel {
    GradientPanel.current?.dispose();
    panel.webview.options = GradientPanel.options(extensionUri);
    GradientPanel.current = new GradientPanel(panel, extensionUri, runs);
    return GradientPanel.current;
  }

  static get visible(): GradientPanel | undefined {
    return GradientPanel.current;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      // Only the built bundle: no workspace files, nothing remote.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly runs: RunManager,
  ) {
    const webview = panel.webview;
    webview.html = renderWebviewHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: WebviewToHost) => void this.onWebviewMessage(m)),
      runs.onDidStartRun((run) => {
        this.queue = [];
        this.post({ type: 'reset', runId: run.state.runId });
      }),
      runs.onDidReceive(({ messages }) => this.enqueue(messages)),
      vscode.window.onDidChangeActiveColorTheme(() => this.postTheme()),
    );
  }

  private enqueue(messages: EngineMessage[]): void {
    if (!this.ready) return; // `ready` replays the whole run
    for (const m of messages) if (m.type !== 'response' && m.type !== 'hello') this.queue.push(m);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.queue.length) return;
    const messages = this.queue;
    this.queue = [];
    this.post({ type: 'messages', messages });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private postTheme(): void {
    const kind = vscode.window.activeColorTheme.kind;
    const theme =
      kind === vscode.ColorThemeKind.Light || kind === vscode.ColorThemeKind.HighContrastLight
        ? 'light'
        : kind === vscode.ColorThemeKind.HighContrast
          ? 'highContrast'
          : 'dark';
    this.post({ type: 'theme', kind: theme });
  }

  private async onWebviewMessage(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        this.queue = [];
        this.postTheme();
        const run = this.runs.run;
        this.post({ type: 'reset', runId: run?.state.runId });
        if (run?.state.messages.length) this.post({ type: 'messages', messages: [...run.state.messages] });
        break;
      }
      case 'revealLayer': {
        const source = m.source ?? this.runs.run?.state.layer(m.layerId)?.source;
        if (source) await revealSource(source);
        break;
      }
      case 'control': {
        if (m.command === 'train') {
          // The panel's own run, so Train works while the panel (not an editor) has focus.
          const file = this.runs.run?.state.modelFile;
          await vscode.commands.executeCommand(Commands.Train, file ? vscode.Uri.file(file) : undefined);
          break;
        }
        const command = {
          pause: Commands.Pause,
          resume: Commands.Resume,
          step: Commands.Step,
          stop: Commands.Stop,
          skip: Commands.SkipBatch,
          halve: Commands.HalveLearningRate,
        }[m.command];
        await vscode.commands.executeCommand(command);
        break;
      }
      case 'export':
        await saveExport(m.name, m.format, m.data);
        break;
      case 'whatIf': {
        // Over the record file, which holds every step (the messages kept here are thinned on long runs).
        const run = this.runs.run;
        const started = run?.state.messages.find((x) => x.type === 'runStarted');
        const recordPath = started?.type === 'runStarted' ? started.recordPath : undefined;
        const base = run ? thresholdOverrides(vscode.Uri.file(run.state.modelFile)) : {};
        this.post(await answerWhatIf(recordPath, m.thresholds, base, run?.state.runId));
        break;
      }
    }
  }

  dispose(): void {
    if (GradientPanel.current === this) GradientPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Opens a layer's construction line in the editor group beside the panel. */
export async function revealSource(source: SourceLocation): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(source.file));
  const pos = new vscode.Position(Math.max(0, source.line - 1), Math.max(0, source.column - 1));
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.One,
    selection: new vscode.Range(pos, pos),
  });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The folder the user last saved an export into (this session): the next save dialog opens there. */
let lastExportFolder: vscode.Uri | undefined;

async function saveExport(name: string, format: string, data: string): Promise<void> {
  const folder = lastExportFolder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [format.toUpperCase()]: [format] },
    saveLabel: 'Export',
  });
  if (!target) return;
  // Binary formats arrive as data: URLs (canvas.toDataURL); text formats as the text itself.
  const m = /^data:[^;,]*;base64,(.*)$/s.exec(data);
  const bytes = m ? Buffer.from(m[1], 'base64') : Buffer.from(data, 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  lastExportFolder = vscode.Uri.joinPath(target, '..');
  // Say where it went, with a way to look at it: a silent save left users searching the workspace.
  const shown = vscode.workspace.asRelativePath(target);
  const choice = await vscode.window.showInformationMessage(`Gradlens: exported ${shown}`, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', target);
}
