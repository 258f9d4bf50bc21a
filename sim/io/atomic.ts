/**
 * Atomic file output: data goes to a temporary file beside the target, which is renamed over the
 * target only when complete, so a reader never sees a partial file and an error leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';

let counter = 0;

/** Returns a temporary path in the same directory as `target`, so that the final rename stays on one file system. */
export function temporaryPathFor(target: string): string {
  counter += 1;
  const directory = path.dirname(target);
  return path.join(directory, `.${path.basename(target)}.${process.pid}.${counter}.tmp`);
}

/**
 * True when `target` exists and is not a regular file after following links: a device such as
 * /dev/stdout, a named pipe or a socket. Renaming over such a path would replace the link or node
 * itself, so these targets are written in place.
 */
export function isSpecialFile(target: string): boolean {
  try {
    const stats = fs.statSync(target);
    return !stats.isFile() && !stats.isDirectory();
  } catch {
    return false;
  }
}

/** Writes `data` to `target` atomically (temporary file, then rename); special files are written in place. */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  if (isSpecialFile(target)) {
    fs.writeFileSync(target, data);
    return;
  }
  const temporary = temporaryPathFor(target);
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * A file written in chunks through a temporary name: `commit` renames it over the target, `abort`
 * deletes it. Writes are synchronous and buffered, so memory stays bounded by `bufferBytes`.
 */
export class AtomicStreamFile {
  /** Path that receives the data until `commit`: a temporary file, or the target itself when it is a special file. */
  readonly temporaryPath: string;
  private readonly inPlace: boolean;
  private fd: number | undefined;
  private chunks: string[] = [];
  private bufferedChars = 0;

  constructor(
    readonly targetPath: string,
    private readonly bufferChars = 1 << 16,
  ) {
    this.inPlace = isSpecialFile(targetPath);
    this.temporaryPath = this.inPlace ? targetPath : temporaryPathFor(targetPath);
    try {
      this.fd = fs.openSync(this.temporaryPath, 'w');
    } catch (error) {
      // Report the file the user named, not the temporary name beside it.
      if (error instanceof Error && 'path' in error) (error as NodeJS.ErrnoException).path = targetPath;
      throw error;
    }
  }

  /** Appends text; flushes to disk when the buffer exceeds its size. */
  write(text: string): void {
    this.chunks.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars >= this.bufferChars) this.flush();
  }

  /** Writes the buffered text to the temporary file. */
  flush(): void {
    if (this.fd === undefined || this.chunks.length === 0) return;
    fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.bufferedChars = 0;
  }

  /** Flushes, closes and renames the temporary file over the target. */
  commit(): void {
    if (this.fd === undefined) throw new Error(`stream file ${this.targetPath} is already closed`);
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
    if (!this.inPlace) fs.renameSync(this.temporaryPath, this.targetPath);
  }

  /** Closes and deletes the temporary file; the target is left untouched. Safe to call twice. */
  abort(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    this.chunks = [];
    if (!this.inPlace) fs.rmSync(this.temporaryPath, { force: true });
  }
}
