// Entry of dist/webview.js (an IIFE). Runs inside the VS Code panel (acquireVsCodeApi present) and in a plain page
// (tests, the CLI's --report HTML), where a recorded run comes from window.__GRADLENS_RUN__.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';
import { isEngineMessage, type HostToWebview } from '../protocol/messages';
import { App } from './app';
import { connectHost } from './bridge';
import css from './styles.css';
import { applyThemeClass, hasThemeClass } from './theme';

declare global {
  interface Window {
    /** The running app, for tests, benchmarks and debugging from devtools. */
    gradlens?: App;
  }
}

function isHostMessage(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return t === 'reset' || t === 'theme' || t === 'whatIf' || (t === 'messages' && Array.isArray((value as { messages?: unknown }).messages));
}

function start(): void {
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());
  const doc = document;
  const style = doc.createElement('style');
  style.textContent = css;
  doc.head.appendChild(style);

  const standalone = typeof window.acquireVsCodeApi !== 'function';
  if (standalone) {
    // Outside VS Code no --vscode-* variables exist; styles.css supplies them per theme class.
    doc.documentElement.classList.add('gl-standalone');
    if (!hasThemeClass()) {
      const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
      applyThemeClass(dark?.matches ? 'dark' : 'light');
      dark?.addEventListener('change', (e) => applyThemeClass(e.matches ? 'dark' : 'light'));
    }
  }

  let root = doc.getElementById('gradlens');
  if (!root) {
    root = doc.createElement('main');
    root.id = 'gradlens';
    doc.body.appendChild(root);
  }
  root.classList.add('gl-app');
  const bridge = connectHost(window);
  const app = new App(root, bridge);
  window.gradlens = app;

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    if (isHostMessage(ev.data)) app.receive(ev.data);
  });
  const recorded = window.__GRADLENS_RUN__;
  if (Array.isArray(recorded)) app.ingest(recorded.filter(isEngineMessage));
  bridge.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
