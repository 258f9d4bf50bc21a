import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../cli/main.js';
import type { CliIo } from '../cli/io.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output and colour off. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: false,
    env: { NO_COLOR: '1', ...env },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/**
 * Gives each test of the calling file a fresh temporary directory, removed after the test, and
 * returns a function that writes `text` to the file `name` in it and returns the file's path.
 */
export function temporaryFiles(prefix: string): (name: string, text: string) => string {
  let directory = '';
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });
  return (name, text) => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, text);
    return file;
  };
}
