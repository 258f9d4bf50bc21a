import fs from 'node:fs';
import path from 'node:path';
import { EXIT_INVALID_INPUT, UserError } from './errors.js';

/** Plain reasons for the file-system errors that a path given by the user can hit, by Node.js error code. */
const FILE_SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
};

/** Returns the plain reason for a Node.js file-system error, or undefined for an error code outside the table. */
export function fileSystemReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : FILE_SYSTEM_REASONS[code];
}

/** Returns the plain reason for a file-system error, falling back to its message. */
export function describeFileSystemError(error: unknown): string {
  return fileSystemReason(error) ?? (error instanceof Error ? error.message : String(error));
}

/** Linux `statfs` magic numbers of the kernel pseudo-file systems, which cannot hold user files. */
const PSEUDO_FILE_SYSTEM_MAGIC: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
]);

/**
 * Returns 'procfs' or 'sysfs' when the existing directory `directory` lies on a kernel pseudo-file
 * system, judged by its real path (under /proc or /sys) and, where the platform reports it, by the
 * file-system type from statfs. Returns undefined otherwise.
 */
export function pseudoFileSystemOf(directory: string): string | undefined {
  let real = path.resolve(directory);
  try {
    real = fs.realpathSync(directory);
  } catch {
    // The caller reports unreadable paths, so the unresolved path is checked by name alone.
  }
  for (const [root, name] of [['/proc', 'procfs'], ['/sys', 'sysfs']] as const) {
    if (real === root || real.startsWith(root + '/')) return name;
  }
  try {
    return PSEUDO_FILE_SYSTEM_MAGIC.get(Number(fs.statfsSync(real).type));
  } catch {
    return undefined;
  }
}

/** Returns true when `target` is a symbolic link, whether or not its target exists. */
function isSymbolicLink(target: string): boolean {
  try {
    return fs.lstatSync(target).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Walks up from `target` (an absolute path) to its nearest existing ancestor, `target` itself
 * included, which must be a directory. Returns that directory and the missing components below it,
 * deepest first. Calls `fail` when a missing component is a dangling symbolic link, when the
 * nearest existing ancestor is not a directory, or when a stat fails for another reason.
 */
export function nearestExistingDirectory(target: string, fail: (reason: string) => never): { directory: string; missing: string[] } {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    let stats: fs.Stats;
    try {
      stats = fs.statSync(current);
    } catch (error) {
      // ENOTDIR means an ancestor is a file, which the walk up then reports by name.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return fail(`'${current}': ${describeFileSystemError(error)}`);
      if (isSymbolicLink(current)) return fail(`'${current}' is a symbolic link to a missing target`);
      const parent = path.dirname(current);
      if (parent === current) return fail('no part of the path exists');
      missing.push(current);
      current = parent;
      continue;
    }
    if (!stats.isDirectory()) fail(current === target ? 'it is not a directory' : `'${current}' is not a directory`);
    return { directory: current, missing };
  }
}

/**
 * Creates `directory` and its missing parents, one component at a time from the nearest existing
 * ancestor. Node's `fs.mkdirSync(..., { recursive: true })` loops forever on Linux when a file
 * system returns ENOENT for a new child of an existing directory, as procfs does, so this function
 * calls the non-recursive form once per missing component. Every failure, including a dangling
 * symbolic link or a path component that is a file, throws UserError (exit status 2) naming
 * `label` and `directory`.
 */
export function makeDirectory(directory: string, label = 'output directory'): void {
  const fail = (reason: string): never => {
    throw new UserError(`cannot create ${label} '${directory}': ${reason}; choose a writable directory`, EXIT_INVALID_INPUT);
  };
  const target = path.resolve(directory);
  const { missing } = nearestExistingDirectory(target, fail);

  for (const component of missing.reverse()) {
    try {
      fs.mkdirSync(component);
    } catch (error) {
      // Another process may have created the same directory in the meantime.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(component, { throwIfNoEntry: false })?.isDirectory()) continue;
      fail(component === target ? describeFileSystemError(error) : `'${component}': ${describeFileSystemError(error)}`);
    }
  }
}
