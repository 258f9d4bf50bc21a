/**
 * Renders an HTML report of `lmulsim compare` in headless Chromium and saves a full-page PNG.
 *
 *   npx tsx scripts/screenshot-report.ts REPORT.html [OUT.png]
 *
 * OUT.png defaults to REPORT.png. Requests other than file:// URLs are blocked and reported, because
 * the report must be self-contained. Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './headless-chromium.js';

async function main(argv: readonly string[]): Promise<number> {
  const [input, output = input?.replace(/\.html?$/i, '') + '.png'] = argv;
  if (!input || argv.length > 2) {
    process.stderr.write('usage: npx tsx scripts/screenshot-report.ts REPORT.html [OUT.png]\n');
    return 1;
  }

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      problems.push(`blocked request: ${url}`);
      return route.abort();
    });

    await page.goto(pathToFileURL(path.resolve(input)).href, { waitUntil: 'load', timeout: 60_000 });
    await page.screenshot({ path: output, fullPage: true });
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.stderr.write(`wrote ${output}\n`);
    return problems.length > 0 ? 2 : 0;
  } finally {
    await browser.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
