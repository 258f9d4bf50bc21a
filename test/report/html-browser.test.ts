import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../scripts/headless-chromium.js';
import { runCli } from '../helpers.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'attention-head.lasm');
const directory = mkdtempSync(join(tmpdir(), 'lmulsim-html-'));
const reportFile = join(directory, 'attention.html');
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package or set CHROMIUM_PATH`);
  const result = await runCli(['compare', EXAMPLE, '--methods', 'exact,lmul,mitchell', '--report', reportFile]);
  expect(result.code).toBe(0);
  browser = await launchChromium(120_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('html report in chromium', () => {
  it('loads offline without errors', async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      problems.push(`request to ${route.request().url()}`);
      return route.abort();
    });

    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load', timeout: 60_000 });

    expect(problems).toEqual([]);
    expect(await page.title()).toContain('attention-head.lasm');
    await page.close();
  });

  it('draws marks in every chart', async () => {
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load', timeout: 60_000 });

    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const marks = [...figure.querySelectorAll('svg g.role-mark path')].filter((path) => (path.getAttribute('d') ?? '') !== '');
        return { id: figure.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.length };
      }),
    );

    expect(charts.map((chart) => chart.id)).toEqual(['energy', 'timeline', 'errors', 'claims']);
    for (const chart of charts) {
      expect(chart.width, chart.id ?? '').toBeGreaterThan(100);
      expect(chart.height, chart.id ?? '').toBeGreaterThan(50);
      expect(chart.marks, chart.id ?? '').toBeGreaterThan(0);
    }
    await page.close();
  });

  it('shows the numbers as tables', async () => {
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load', timeout: 60_000 });

    const header = await page.$$eval('#comparison thead th', (cells) => cells.map((cell) => cell.textContent));
    const claimRows = await page.$$eval('#claims tbody tr', (rows) => rows.length);

    expect(header).toEqual(['quantity', 'exact', 'lmul', 'mitchell']);
    expect(claimRows).toBeGreaterThan(0);
    await page.close();
  });
});
