import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listPresets, loadArch } from '../../sim/arch/index.js';
import { formatBytes, PRESET_TABLE_ROWS } from './preset-table.js';

// docs/isa.md lists every preset's limits in a table under "### Presets". The presets are read with
// loadArch, as `lmulsim check --arch PRESET` and `lmulsim run --arch PRESET` read them.

const docsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'isa.md');

interface MarkdownTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Splits a Markdown table row into its trimmed cells. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Returns the first table after the line `heading`, or undefined when there is none. */
function tableAfter(markdown: string, heading: string): MarkdownTable | undefined {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return undefined;
  let first = start + 1;
  while (first < lines.length && !lines[first].startsWith('|')) {
    if (lines[first].startsWith('#')) return undefined;
    first++;
  }
  let end = first;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  if (end - first < 2) return undefined;
  return { header: cells(lines[first]), rows: lines.slice(first + 2, end).map(cells) };
}

describe('preset table in docs/isa.md', () => {
  const table = tableAfter(readFileSync(docsFile, 'utf8'), '### Presets');
  const presets = listPresets();

  it('exists', () => {
    expect(table).toBeDefined();
  });

  it('has one column per preset', () => {
    expect(table?.header.slice(1)).toEqual(presets.map((preset) => `\`${preset.name}\``));
  });

  it('has the expected rows', () => {
    expect(table?.rows.map((row) => row[0])).toEqual(PRESET_TABLE_ROWS.map(([label]) => label));
  });

  it('matches every preset', () => {
    expect(presets.length).toBeGreaterThan(0);
    for (const [column, preset] of presets.entries()) {
      const arch = loadArch(preset.name);

      for (const [rowIndex, [label, cell]] of PRESET_TABLE_ROWS.entries()) {
        expect(table?.rows[rowIndex]?.[column + 1], `row '${label}' of ${preset.name}`).toBe(cell(arch));
      }
    }
  });
});

describe('preset table formatting', () => {
  it('byte sizes', () => {
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
    expect(formatBytes(24 * 2 ** 20)).toBe('24 MiB');
    expect(formatBytes(192 * 2 ** 30)).toBe('192 GiB');
    expect(formatBytes(1536)).toBe('1536 bytes');
    expect(formatBytes(1000)).toBe('1000 bytes');
  });

  it('table finder rejects a missing table', () => {
    expect(tableAfter('### Presets\n\ntext\n\n## Next\n| a |\n|---|\n', '### Presets')).toBeUndefined();
    expect(tableAfter('| a |\n|---|\n| 1 |\n', '### Presets')).toBeUndefined();
  });

  it('table finder reads cells', () => {
    const table = tableAfter('### Presets\n\n| | `x` |\n|---|---|\n| cores | 4 |\n', '### Presets');

    expect(table?.header).toEqual(['', '`x`']);
    expect(table?.rows).toEqual([['cores', '4']]);
  });
});
