/**
 * Running the external EDA tools (Yosys, Icarus Verilog) and writing output files atomically.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { writeFileAtomic as writeFileAtomicOrThrow } from '../sim/io/atomic.js';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { EXIT_USAGE, UserError } from '../common/errors.js';
import { describeFileSystemError } from '../common/file-system.js';

/** The tools this module runs, with the Debian package that provides each. */
export const TOOL_PACKAGES = { yosys: 'yosys', iverilog: 'iverilog', vvp: 'iverilog' } as const;
export type ToolName = keyof typeof TOOL_PACKAGES;

/** Returns the absolute path of `name` on PATH, or undefined when it is not installed. */
export function findTool(name: ToolName, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** Returns the tool's path, or throws UserError (exit 1) saying how to install it. */
export function requireTool(name: ToolName): string {
  const path = findTool(name);
  if (path === undefined) {
    throw new UserError(`${name} is not installed or not on PATH; install it with 'apt-get install ${TOOL_PACKAGES[name]}' (Debian, Ubuntu)`, EXIT_USAGE);
  }
  return path;
}

/** Captured output of a finished tool run. */
export interface ToolRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** Returns the last `count` non-empty lines of a log. */
export function logTail(text: string, count = 20): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}

/**
 * Runs a tool to completion. A non-zero exit status, a signal or a timeout throws UserError
 * (exit 1) with the command and the tail of its output.
 */
export function runTool(name: ToolName, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
  const path = requireTool(name);
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UserError(`${name} failed to start: ${error.message}`, EXIT_USAGE));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const reason = signal ? `was stopped by ${signal}${signal === 'SIGKILL' ? ` (timed out after ${timeoutMs} ms?)` : ''}` : `exited with status ${code}`;
      const tail = logTail(`${stdout}\n${stderr}`);
      reject(new UserError(`${name} ${reason}: ${name} ${args.join(' ')}\n${tail}`, EXIT_USAGE));
    });
  });
}

/** Creates a private temporary directory; the caller removes it with `removeDirectory`. */
export function makeTempDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'lmulsim-rtl-'));
}

/** Removes a directory made by `makeTempDirectory`, with its contents. */
export function removeDirectory(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * Writes a file through a temporary file in the same directory and a rename, so a failed write
 * leaves no partial file. Throws UserError (exit 2) naming the path when it cannot be written.
 */
export function writeFileAtomic(path: string, text: string): void {
  try {
    writeFileAtomicOrThrow(path, text);
  } catch (error) {
    throw new UserError(`cannot write output file '${path}' (${describeFileSystemError(error)}): check that the directory exists and is writable`);
  }
}
