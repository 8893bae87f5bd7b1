// Node side: one self-contained HTML page showing a recorded run (the CLI's --report). The webview bundle and the
// run are inlined, so the file opens anywhere without a server or network. The bundle path is a parameter because
// the caller knows where dist/ is (this module is itself bundled into dist/cli.js, where __dirname means dist/).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EngineMessage } from '../protocol/messages';
import { escapeHtml } from './html';

export interface ReportOptions {
  title: string;
  /** Path of dist/webview.js. */
  bundlePath: string;
  /** Force a theme; by default the page follows the reader's light/dark preference. */
  theme?: 'light' | 'dark';
}

/**
 * Makes code safe inside <script>: "</script" would end the element early, and "<!--" followed by "<script" would
 * hide the real end tag. Where these can occur in JavaScript (strings, templates, regexes, comments), "\x3C" means
 * "<" too.
 */
export function escapeScript(code: string): string {
  return code.replace(/<(\/script|!--)/gi, '\\x3C$1');
}

/** JSON that can sit inside <script>: `<`, U+2028 and U+2029 are escaped (still valid JSON and JavaScript). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function renderReportHtml(messages: readonly EngineMessage[], opts: ReportOptions): string {
  const bundle = readFileSync(opts.bundlePath, 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
  const bodyClass = opts.theme ? ` class="vscode-${opts.theme}"` : '';
  const run = `window.__GRADLENS_RUN__ = ${scriptJson(messages)};`;
  const code = escapeScript(bundle);
  // As strict as the panel's: only these two scripts run (by hash: a report is a static file, it has no server to
  // make a nonce), inline styles (the bundle injects its stylesheet), data: images (PNG export), nothing remote.
  const csp = ["default-src 'none'", `script-src ${sha256(run)} ${sha256(code)}`, "style-src 'unsafe-inline'", 'img-src data:'].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="gradlens">
<title>${escapeHtml(opts.title)}</title>
</head>
<body${bodyClass}>
<main id="gradlens" class="gl-app"></main>
<script>${run}</script>
<script>${code}</script>
</body>
</html>
`;
}
