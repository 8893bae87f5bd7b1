// Shared set-up of the webview browser tests: builds dist/webview.js the way scripts/build.mjs does, launches
// Debian's headless Chromium through playwright-core, and writes pages that load the bundle with a recorded run
// and, when asked, an `acquireVsCodeApi` shim that records what the webview posts and keeps its state in
// sessionStorage (which survives a reload, as VS Code's getState/setState does).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import type { EngineMessage, HostToWebview, WebviewToHost } from '../../protocol/messages';
import { scriptJson } from '../../webview/report';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'webview.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'webview');

export async function buildBundle(): Promise<string> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['webview/main.ts'],
    outfile: BUNDLE,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    loader: { '.css': 'text' },
    logLevel: 'warning',
  });
  return BUNDLE;
}

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/**
 * One browser for a test file: the bundle is built and Chromium started before its tests, and closed after them.
 * Returns the browser's getter (it exists once the file's `before` has run).
 */
export function browserForFile(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    await buildBundle();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser starts in the test file\'s before hook');
    return browser;
  };
}

const SHIM = `
window.__posted = [];
window.acquireVsCodeApi = function () {
  return {
    postMessage: function (m) { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: function () { var s = sessionStorage.getItem('vscode-state'); return s ? JSON.parse(s) : undefined; },
    setState: function (s) { sessionStorage.setItem('vscode-state', JSON.stringify(s)); },
  };
};`;

export interface PageOptions {
  messages?: EngineMessage[];
  /** Inject the acquireVsCodeApi shim (the page then behaves as the VS Code panel). */
  vscode?: boolean;
  bodyClass?: string;
}

let dir: string | undefined;

/** Writes an HTML page that loads dist/webview.js; returns its file: URL. */
export function writePage(name: string, o: PageOptions): string {
  dir ??= mkdtempSync(path.join(tmpdir(), 'gradlens-webview-'));
  const file = path.join(dir, `${name}.html`);
  const scripts = [
    o.vscode ? `<script>${SHIM}</script>` : '',
    o.messages ? `<script>window.__GRADLENS_RUN__ = ${scriptJson(o.messages)};</script>` : '',
    `<script src="${pathToFileURL(BUNDLE).href}"></script>`,
  ].join('\n');
  writeFileSync(
    file,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${name}</title></head>` +
      `<body${o.bodyClass ? ` class="${o.bodyClass}"` : ''}><main id="gradlens"></main>${scripts}</body></html>`,
  );
  return pathToFileURL(file).href;
}

export function writeFile(name: string, content: string): string {
  dir ??= mkdtempSync(path.join(tmpdir(), 'gradlens-webview-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return pathToFileURL(file).href;
}

let shared: BrowserContext | undefined;

/** Opens a page (in one shared context: a context per page costs half a second), waits until the app has drawn. */
export async function open(
  browser: Browser,
  url: string,
  o: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
    /** Installs the VS Code shim (and a recorded run) before any page script, as VS Code does: CSP cannot block it. */
    beforeLoad?: { messages?: EngineMessage[] };
  } = {},
): Promise<Page> {
  shared ??= await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await shared.newPage();
  if (o.width || o.height) await page.setViewportSize({ width: o.width ?? 1200, height: o.height ?? 900 });
  await page.emulateMedia({ colorScheme: o.colorScheme ?? 'light' });
  if (o.beforeLoad) {
    await page.addInitScript(
      `${SHIM}
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
${o.beforeLoad.messages ? `window.__GRADLENS_RUN__ = ${scriptJson(o.beforeLoad.messages)};` : ''}`,
    );
  }
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(url);
  await settle(page);
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Draws pending changes now and lets custom elements upgrade. */
export async function settle(page: Page): Promise<void> {
  // Not just `window.gradlens !== undefined`: the root element's id makes window.gradlens that element until the
  // app replaces it, and a test then raced the app's start ("flush is not a function").
  await page.waitForFunction(() => typeof window.gradlens?.flush === 'function');
  await page.evaluate(() => window.gradlens?.flush());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

/** Delivers a HostToWebview message as the host would. JSON text crosses the CDP bridge far faster than objects. */
export async function postToWebview(page: Page, message: HostToWebview): Promise<void> {
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
  // window.postMessage is delivered as a task; wait for it, then draw.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  await settle(page);
}

export function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
}

export async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __posted: unknown[] }).__posted.length = 0;
  });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
