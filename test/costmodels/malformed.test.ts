import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../common/diagnostic.js';
import { UserError } from '../../common/errors.js';
import { loadCostModel, parseFormula } from '../../costmodels/index.js';
import { parseQuantity } from '../../costmodels/quantity.js';
import { runCli } from '../helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const EXPECTED: Record<string, string[]> = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

/** Loads a fixture and returns its rendered diagnostics, or fails when it loads. */
function renderedErrors(file: string): string {
  try {
    loadCostModel(file);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.diagnostics.map((diagnostic) => renderDiagnostic(diagnostic, diagnostic.span ? error.sources.get(diagnostic.span.file) : undefined)).join('\n');
  }
  throw new Error(`${file} loaded without errors`);
}

describe('malformed cost files', () => {
  it('every fixture has expectations', () => {
    const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.yaml'));

    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expectedLines] of Object.entries(EXPECTED)) {
    it(`fixture ${name}`, () => {
      const output = renderedErrors(path.join(FIXTURES, name));

      for (const line of expectedLines) expect(output).toContain(line);
      // Each diagnostic carries a code frame with a caret.
      expect(output).toMatch(/\n\s*\d+ \| .*\n\s+\| +\^+/);
    });
  }

  it('CLI exits 2 with a code frame', async () => {
    const file = path.join(FIXTURES, 'negative-energy.yaml');

    const result = await runCli(['costs', '--node', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:20:20: error: gates.FA.energy: negative value`);
    expect(result.stderr).toContain('20 |   FA:    { energy: -6.33 fJ');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('quantities', () => {
  it('units converted and checked', () => {
    expect(parseQuantity('0.03 pJ', 'energy')).toEqual({ ok: true, value: 0.03, unit: 'pJ' });
    expect(parseQuantity('30 fJ', 'energy')).toMatchObject({ ok: true, value: 0.03 });
    expect(parseQuantity('1.3 nJ', 'energy')).toMatchObject({ ok: true, value: 1300 });
    expect(parseQuantity('8 KiB', 'capacity')).toMatchObject({ ok: true, value: 8192 });
    expect(parseQuantity('0.798 um2', 'area')).toMatchObject({ ok: true, value: 0.798 });
    expect(parseQuantity('5 pJ', 'area')).toMatchObject({ ok: false });
    expect(parseQuantity('5', 'energy')).toMatchObject({ ok: false });
    expect(parseQuantity(5, 'energy')).toMatchObject({ ok: false });
    expect(parseQuantity('-1 pJ', 'energy')).toMatchObject({ ok: false });
    expect(parseQuantity('8 KB', 'capacity')).toMatchObject({ ok: false });
    expect(parseQuantity(-0.5, 'factor')).toMatchObject({ ok: false });
  });
});

describe('formula injection', () => {
  const INJECTIONS = [
    'import({}, {override: true})',
    'createUnit("x")',
    'evaluate("1")',
    'parse("1 + 1")',
    'compile("1").evaluate()',
    'simplify("x + x")',
    'derivative("x^2", "x")',
    'resolve(x, {x: 1})',
    'cos.constructor("return process")()',
    'cos.constructor',
    'n.constructor.constructor("return process")()',
    'sqrt["constructor"]',
    'f(x) = x',
    'x = 1',
    '{a: 1}.a',
    '[1, 2][1]',
    '"string"',
    'cos(1)',
    'log2',
    '(max)(1, 2)',
    '1:3',
    '1 kg',
    'n; 1',
  ];

  for (const text of INJECTIONS) {
    it(`rejects ${text}`, () => {
      const result = parseFormula(text);

      // '1 kg' parses as n-free multiplication by the name 'kg', which is rejected on load as an
      // unknown variable rather than by the whitelist.
      if (result.ok) {
        expect(result.formula.symbols.length, text).toBeGreaterThan(0);
        expect(text).toBe('1 kg');
      } else {
        expect(result.error.message.length, text).toBeGreaterThan(0);
      }
    });
  }

  it('accepts whitelisted syntax', () => {
    for (const text of ['n ^ 2 - 4 * n + 3', 'max(0, n - 1)', 'n <= 1 ? 0 : ceil(log2(n))', '(n + 1) % 2 == 0 and not (n > 3)']) {
      expect(parseFormula(text).ok, text).toBe(true);
    }
  });

  it('injection fixture diagnostics', async () => {
    const result = await runCli(['costs', '--node', path.join(FIXTURES, 'injection.yaml')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("function 'import' is not allowed");
    expect(result.stderr).toContain("function 'evaluate' is not allowed");
  });
});
