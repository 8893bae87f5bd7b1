// The HTML of the VS Code panel. Strict CSP: scripts only with the nonce, styles from the webview's own origin
// (plus inline <style>, which the bundle injects and the toolkit needs), images from the origin and data: URLs
// (PNG export); no remote content at all.

export interface WebviewHtmlOptions {
  /** webview.asWebviewUri(dist/webview.js). */
  scriptUri: string;
  /** webview.cspSource. */
  cspSource: string;
  nonce: string;
  /** Optional extra stylesheet (webview.asWebviewUri of a file in media/). */
  stylesUri?: string;
  title?: string;
}

/** Escapes text and double-quoted attribute values (single quotes stay readable in the CSP). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'unsafe-inline'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.stylesUri ? `<link rel="stylesheet" href="${escapeHtml(o.stylesUri)}">\n` : ''}<title>${escapeHtml(o.title ?? 'Gradlens')}</title>
</head>
<body>
<main id="gradlens" class="gl-app"></main>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
