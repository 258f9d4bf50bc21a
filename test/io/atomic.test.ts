import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicStreamFile, writeFileAtomic } from '../../sim/io/atomic.js';

describe('writeFileAtomic', () => {
  it('keeps a link to a device', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-atomic-'));
    const link = path.join(directory, 'out');
    fs.symlinkSync('/dev/null', link);

    writeFileAtomic(link, 'data');
    const stream = new AtomicStreamFile(link);
    stream.write('more');
    stream.commit();

    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(directory)).toEqual(['out']);
    fs.rmSync(directory, { recursive: true });
  });

  it('replaces a regular file whole', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-atomic-'));
    const file = path.join(directory, 'out.txt');
    fs.writeFileSync(file, 'old contents');

    writeFileAtomic(file, 'new');

    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(directory)).toEqual(['out.txt']);
    fs.rmSync(directory, { recursive: true });
  });
});
