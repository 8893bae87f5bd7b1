// Playwright helpers for driving the VS Code workbench served by code-server (see scripts/e2e/run.sh): running
// commands from the palette, opening files, reading the webview, waiting on conditions, screenshots.
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import path from 'node:path';

export interface Workbench {
  browser: Browser;
  page: Page;
  log: (...args: unknown[]) => void;
}

const t0 = Date.now();
export const log = (...args: unknown[]): void => {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...args);
};

export async function openWorkbench(baseUrl: string, folder: string, home: string): Promise<Workbench> {
  const browser = await launchChromium({ ...process.env, HOME: home });
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => log('[pageerror]', String(e).slice(0, 300)));
  context.on('request', (r) => {
    const u = r.url();
    // Webview resources use a vscode-cdn.net host that the webview's service worker answers locally.
    const local = /^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) || /^https:\/\/[^/]+\.vscode-cdn\.net\//.test(u);
    if (!local && !/^(data|blob|vscode-[a-z-]+):/.test(u)) {
      log('[external request]', u.slice(0, 200));
    }
  });
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return { browser, page, log };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a command from F1 by clicking the row whose label is exactly `label` (Enter may pick a fuzzier match).
 * Retries, from F1 again, while the palette lacks it (right after start-up the extension host may not have
 * registered it yet) or closes before the click: VS Code closes it when something else takes the focus, such as a
 * debug stop being revealed in the editor (a cold CI run lost 'Debug: Stop' that way, right after a skip in the
 * Debug Console brought the next loss-spike stop).
 */
export async function runCommand(page: Page, label: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill('>' + label, { timeout: 10_000 });
      const row = page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp('^' + escapeRegExp(label) + '$') }) })
        .first();
      await row.waitFor({ timeout: 5_000 });
      await row.click();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
  }
}

/**
 * Opens a workspace file with Quick Open in the first editor group and waits for its editor tab. The first group,
 * because Quick Open opens into the focused group, and after a click in the Gradlens panel that is the panel's: the
 * file would hide the panel and leave another file active in the first group (F5 then debugged that one).
 */
export async function openFile(page: Page, name: string): Promise<void> {
  await runCommand(page, 'View: Focus First Editor Group');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp('^' + escapeRegExp(name) + '$') }) })
    .first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
  // Let the editor settle (language features, CodeLens) before commands read the active editor.
  await page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 20_000 });
}

/** The gradient panel's document: code-server nests it in two iframes. */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export async function waitUntil(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  log('screenshot', file);
  return file;
}

/** The Gradlens status bar item's text, or '' when it is not shown. */
export async function statusBarText(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: /step \d+|starting/ }).first();
  if (!(await item.isVisible().catch(() => false))) return '';
  return (await item.textContent()) ?? '';
}

/** Closes every notification toast so the next check sees only new ones. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
}

/**
 * The end-of-line texts editor decorations draw (VS Code renders `after.contentText` as a CSS ::after, so it is not
 * in the DOM text), with a point inside each for hovering.
 */
export async function afterDecorations(page: Page): Promise<{ text: string; x: number; y: number }[]> {
  return page.evaluate(() => {
    const out: { text: string; x: number; y: number }[] = [];
    for (const el of Array.from(document.querySelectorAll('.editor-instance .view-line span'))) {
      const content = getComputedStyle(el, '::after').content;
      if (!content || content === 'none' || content === 'normal') continue;
      const r = el.getBoundingClientRect();
      out.push({ text: content.replace(/^"|"$/g, ''), x: r.left + r.width / 2, y: r.top + r.height / 2 });
    }
    return out;
  });
}

/** Ends the debug session (Debug: Stop) and waits until its toolbar is gone. */
export async function stopDebugging(page: Page, timeoutMs = 60_000): Promise<void> {
  await runCommand(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Ends a debug session an earlier test left running (F5 or a palette command would go to it). */
export async function endLeftoverDebugSession(page: Page): Promise<void> {
  if (await page.locator('.debug-toolbar').isVisible()) await stopDebugging(page, 30_000);
}
