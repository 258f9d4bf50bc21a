/**
 * Launches the system's Chromium headless through playwright-core, which never downloads a browser.
 * Used by the report screenshot script and the HTML report test.
 */
import { chromium, type Browser } from 'playwright-core';

/** Chromium binary of Debian's `chromium` package; override with the CHROMIUM_PATH environment variable. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium headless, offline and free of first-run and update traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Starts Chromium; the caller closes the returned browser. */
export async function launchChromium(timeoutMs = 60_000): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true, timeout: timeoutMs });
}
