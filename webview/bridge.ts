// The only thing the webview knows about its host. Inside VS Code it is `acquireVsCodeApi()` (postMessage and
// per-panel state); in a plain page (tests, the CLI's HTML report) there is no host, so state goes to
// localStorage and exports become downloads.
import type { WebviewToHost } from '../protocol/messages';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    /** A recorded run (EngineMessage[]) embedded by the HTML report or a test page. */
    __GRADLENS_RUN__?: unknown;
  }
}

export interface HostBridge {
  /** True when a host listens (controls and reveal make sense). */
  readonly live: boolean;
  post(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const STORAGE_KEY = 'gradlens.webview.state';

export function connectHost(win: Window = window): HostBridge {
  if (typeof win.acquireVsCodeApi === 'function') {
    const api = win.acquireVsCodeApi();
    return {
      live: true,
      post: (m) => api.postMessage(m),
      getState: () => api.getState(),
      setState: (s) => api.setState(s),
    };
  }
  return {
    live: false,
    post: (m) => {
      if (m.type === 'export') download(win.document, m.name, m.format, m.data);
    },
    getState: () => {
      try {
        const raw = win.localStorage.getItem(STORAGE_KEY);
        return raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        return undefined; // storage can be disabled (file:// in some browsers, private mode): state is optional
      }
    },
    setState: (s) => {
      try {
        win.localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
      } catch {
        // see getState
      }
    },
  };
}

const MIME: Record<string, string> = {
  svg: 'image/svg+xml',
  csv: 'text/csv',
  json: 'application/json',
};

function download(doc: Document, name: string, format: string, data: string): void {
  const a = doc.createElement('a');
  // PNG data already is a data: URL; text formats become blobs so large CSVs do not hit URL length limits.
  const url = format === 'png' ? data : URL.createObjectURL(new Blob([data], { type: MIME[format] ?? 'text/plain' }));
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  if (format !== 'png') setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
