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
