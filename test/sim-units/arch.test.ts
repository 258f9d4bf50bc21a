import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../common/diagnostic.js';
import { EXIT_INVALID_INPUT, UserError } from '../../common/errors.js';
import {
  ACCUMULATOR_FORMATS,
  archFromYamlText,
  DATAFLOWS,
  DATAPATHS,
  HOST_LINK_KINDS,
  listPresets,
  loadArch,
  MACHINE_SCHEMA,
  MEMORY_KINDS,
  nsToCycles,
  parseSizeBytes,
  VECTOR_OPS,
} from '../../sim/arch/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'arch');

/** Runs `action` and returns the UserError it throws; fails the test when it throws nothing else. */
function userErrorOf(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('arch presets', () => {
  it('lists the five presets', () => {
    const names = listPresets().map((preset) => preset.name);

    expect(names).toEqual(['edge-npu', 'gpu-pcie5', 'igpu-ddr5', 'tpu-v1', 'tpu-v4']);
    for (const preset of listPresets()) expect(preset.description.length).toBeGreaterThan(10);
  });

  it('every preset loads with both datapaths', () => {
    for (const preset of listPresets()) {
      const arch = loadArch(preset.name);
      expect(arch.name).toBe(preset.name);
      expect(arch.core.matrix.datapaths).toEqual(['exact', 'lmul']);
      expect(Object.keys(arch.core.vector.ops).sort()).toEqual([...VECTOR_OPS].sort());
    }
  });

  it('every preset names the schema', () => {
    for (const preset of listPresets()) {
      const firstLine = readFileSync(preset.file, 'utf8').split('\n')[0];
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
      expect(match).not.toBeNull();
      expect(existsSync(path.resolve(path.dirname(preset.file), match![1]))).toBe(true);
    }
  });

  it('tpu-v1 figures', () => {
    const arch = loadArch('tpu-v1');

    expect(arch.clockMhz).toBe(700);
    expect(arch.core.matrix).toMatchObject({ rows: 256, cols: 256, dataflow: 'weight-stationary' });
    expect(arch.core.scratchpad.capacityBytes).toBe(24 * 2 ** 20);
    expect(arch.core.accumulator.capacityBytes).toBe(4 * 2 ** 20);
    expect(arch.memory.kind).toBe('ddr3');
    expect(arch.memory.bandwidthBytesPerCycle).toBeCloseTo(34000 / 700, 12);
    expect(arch.memory.latencyCycles).toBe(70);
  });

  it('tpu-v4, gpu and igpu bandwidths', () => {
    const v4 = loadArch('tpu-v4');
    const gpu = loadArch('gpu-pcie5');
    const igpu = loadArch('igpu-ddr5');
    const edge = loadArch('edge-npu');

    expect(v4.core.matrix).toMatchObject({ rows: 128, cols: 128 });
    expect(v4.core.matrix.inputFormats).toContain('bf16');
    expect(v4.clockMhz).toBe(1050);
    expect(v4.memory).toMatchObject({ kind: 'hbm2', bandwidthGBps: 1200 });
    expect(gpu.hostLink).toMatchObject({ kind: 'pcie5', bandwidthGBps: 64 });
    expect(gpu.hostLink!.bandwidthBytesPerCycle).toBeCloseTo(64000 / 2500, 12);
    expect(igpu.memory).toMatchObject({ kind: 'ddr5', bandwidthGBps: 67.2 });
    expect(edge.core.matrix).toMatchObject({ rows: 16, cols: 16 });
    expect(edge.memory.kind).toBe('lpddr5');
  });

  it('loads by file path', () => {
    const arch = loadArch(path.join(fixtures, 'good-minimal.yaml'));

    expect(arch.name).toBe('good-minimal');
  });

  it('unknown preset suggests a name', () => {
    const error = userErrorOf(() => loadArch('tpu-v5'));

    expect(error.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(error.message).toContain("machine 'tpu-v5' not found");
    expect(error.message).toMatch(/did you mean 'tpu-v[14]'\?/);
  });

  it('missing file is invalid input', () => {
    const error = userErrorOf(() => loadArch(path.join(fixtures, 'no-such-machine.yaml')));

    expect(error.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(error.message).toContain('no such file');
  });
});

describe('arch schema', () => {
  const definitions = (MACHINE_SCHEMA as { definitions: Record<string, { properties: Record<string, { enum?: string[]; items?: { enum?: string[] }; properties?: object }> }> }).definitions;

  it('enums match the type lists', () => {
    expect(definitions.matrix.properties.dataflow.enum).toEqual([...DATAFLOWS]);
    expect(definitions.matrix.properties.datapaths.items?.enum).toEqual([...DATAPATHS]);
    expect(definitions.matrix.properties.accumulatorFormat.enum).toEqual([...ACCUMULATOR_FORMATS]);
    expect(definitions.memory.properties.kind.enum).toEqual([...MEMORY_KINDS]);
    expect(definitions.hostLink.properties.kind.enum).toEqual([...HOST_LINK_KINDS]);
  });

  it('vector op keys match', () => {
    const keys = Object.keys(definitions.vector.properties.ops.properties ?? {});
    expect(keys).toEqual(['default', ...VECTOR_OPS]);
  });
});

describe('arch defaults and units', () => {
  const arch = loadArch(path.join(fixtures, 'good-minimal.yaml'));

  it('fills defaults', () => {
    expect(arch.coreCount).toBe(1);
    expect(arch.core.matrix.datapaths).toEqual(['exact', 'lmul']);
    expect(arch.core.matrix.pipelineLatencyCycles).toBe(0);
    expect(arch.core.scratchpad.portsPerBank).toBe(1);
    expect(arch.memory.burstBytes).toBe(64);
    expect(arch.hostLink).toBeUndefined();
  });

  it('converts units', () => {
    expect(arch.core.scratchpad.capacityBytes).toBe(16384);
    expect(arch.memory.capacityBytes).toBe(1e9);
    expect(arch.memory.bandwidthBytesPerCycle).toBe(12.5);
    expect(arch.memory.bandwidthGBps).toBe(12.5);
    // 45.5 ns at 1000 MHz is 45.5 cycles, rounded up.
    expect(arch.memory.latencyCycles).toBe(46);
    expect(arch.core.matrix.inputFormats).toEqual(['e4m3', 'e5m2']);
  });

  it('vector ops fall back to default', () => {
    expect(arch.core.vector.ops.exp).toEqual({ latencyCycles: 9, initiationIntervalCycles: 3 });
    expect(arch.core.vector.ops['reduce-max']).toEqual({ latencyCycles: 2, initiationIntervalCycles: 1 });
  });

  it('result is frozen', () => {
    expect(Object.isFrozen(arch)).toBe(true);
    expect(Object.isFrozen(arch.core.matrix.inputFormats)).toBe(true);
    expect(Object.isFrozen(arch.core.vector.ops.exp)).toBe(true);
  });

  it('size strings', () => {
    expect(parseSizeBytes('24 MiB')).toBe(24 * 2 ** 20);
    expect(parseSizeBytes('1.5KiB')).toBe(1536);
    expect(parseSizeBytes('8 GB')).toBe(8e9);
    expect(parseSizeBytes('0.5 B')).toMatch(/not a whole number/);
    expect(parseSizeBytes('3 XB')).toMatch(/invalid size/);
  });

  it('ns to cycles rounds up', () => {
    expect(nsToCycles(100, 700)).toBe(70);
    expect(nsToCycles(1, 1050)).toBe(2);
    expect(nsToCycles(0, 1050)).toBe(0);
  });
});

describe('arch diagnostics', () => {
  const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as Record<string, Array<{ line: number; column: number; message: string; hint?: string }>>;
  const badFiles = readdirSync(fixtures).filter((name) => name.startsWith('bad-'));

  it('every bad fixture has expectations', () => {
    expect(badFiles.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const file of badFiles) {
    it(`${file}`, () => {
      const text = readFileSync(path.join(fixtures, file), 'utf8');

      const error = userErrorOf(() => archFromYamlText(text, file));

      expect(error.exitCode).toBe(EXIT_INVALID_INPUT);
      expect(error.sources.get(file)).toBe(text);
      const actual = error.diagnostics.map((diagnostic) => ({
        line: diagnostic.span?.line,
        column: diagnostic.span?.column,
        message: diagnostic.message,
        ...(expected[file].some((entry) => entry.hint) ? { hint: diagnostic.hint } : {}),
      }));
      expect(actual).toEqual(expected[file]);
    });
  }

  it('renders file, line and column', () => {
    const text = readFileSync(path.join(fixtures, 'bad-type.yaml'), 'utf8');
    const error = userErrorOf(() => archFromYamlText(text, 'bad-type.yaml'));

    const rendered = renderDiagnostic(error.diagnostics[0], text);

    expect(rendered).toContain('bad-type.yaml:5:11: error: core.matrix.rows must be an integer');
    expect(rendered).toContain('    rows: four');
    expect(rendered).toContain('^^^^');
  });

  it('several problems reported together', () => {
    const text = 'clockMhz: -1\ncores: 0\ncore: {}\nmemory: { kind: ddr4 }\n';
    const error = userErrorOf(() => archFromYamlText(text, 'many.yaml'));

    const messages = error.diagnostics.map((diagnostic) => diagnostic.message);
    expect(messages).toContain('clockMhz must be > 0, got -1');
    expect(messages).toContain('cores must be >= 1, got 0');
    expect(messages).toContain("missing required key 'matrix' in core");
    expect(messages).toContain('memory needs bandwidthGBps or bandwidthBytesPerCycle');
    expect(messages).toContain('memory needs latencyNs or latencyCycles');
  });

  it('array size limit', () => {
    const text = readFileSync(path.join(fixtures, 'good-minimal.yaml'), 'utf8').replace('rows: 4', 'rows: 5000');
    const error = userErrorOf(() => archFromYamlText(text, 'huge.yaml'));

    expect(error.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['core.matrix.rows must be <= 4096, got 5000']);
  });

  it('non-mapping document', () => {
    for (const text of ['', '- 1\n- 2\n', 'just text\n']) {
      const error = userErrorOf(() => archFromYamlText(text, 'scalar.yaml'));
      expect(error.diagnostics[0].message).toContain('must be a YAML mapping');
    }
  });
});
