// How long an HTML report (gradlens report / --report) takes to open in headless Chromium: from navigation until
// the app has ingested the run and drawn it. Also fails loudly on a page error or a CSP violation.
//   node bench/report-open.mjs report.html [more.html...]
import { chromium } from 'playwright-core';
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
for (const file of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  const t0 = performance.now();
  await page.goto(pathToFileURL(path.resolve(file)).href, { timeout: 300_000 });
  await page.waitForFunction(() => window.gradlens !== undefined, undefined, { timeout: 300_000 });
  await page.evaluate(() => window.gradlens.flush());
  const ms = performance.now() - t0;
  const points = await page.evaluate(() => document.querySelectorAll('svg path, svg circle, svg rect').length);
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB, open + first draw ${(ms / 1000).toFixed(2)} s, ${points} svg elements${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`);
  await page.close();
}
await browser.close();
