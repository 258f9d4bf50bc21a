import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../common/diagnostic.js';
import { loadCostModel } from '../../costmodels/index.js';
import { computeReportCsv, parseScaleSimConfig, parseTopology, scaleSimStallFreeCycles, simulateLayers, type ScaleSimConfig } from '../../scalesim/index.js';
import { runCli } from '../helpers.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'scalesim');
const directory = mkdtempSync(join(tmpdir(), 'lmulsim-scalesim-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function configText(rows: number, cols: number, dataflow: string): string {
  return [
    '[general]',
    'run_name = test_run',
    '',
    '[architecture_presets]',
    `ArrayHeight:    ${rows}`,
    `ArrayWidth:     ${cols}`,
    'IfmapSramSzkB:   64',
    'FilterSramSzkB:  64',
    'OfmapSramSzkB:   64',
    'IfmapOffset:    0',
    'FilterOffset:   10000000',
    'OfmapOffset:    20000000',
    'Bandwidth : 10',
    `Dataflow : ${dataflow}`,
    'MemoryBanks: 1',
    '',
    '[run_presets]',
    'InterfaceBandwidth: CALC',
    '',
  ].join('\n');
}

function config(rows: number, cols: number, dataflow: string): ScaleSimConfig {
  const parsed = parseScaleSimConfig(configText(rows, cols, dataflow), 'test.cfg');
  expect(parsed.diagnostics).toEqual([]);
  return parsed.config as ScaleSimConfig;
}

function errorsOf(result: { diagnostics: readonly Parameters<typeof renderDiagnostic>[0][] }, text: string): string[] {
  return result.diagnostics.map((diagnostic) => renderDiagnostic(diagnostic, text));
}

describe('scalesim config', () => {
  it('reads the published layout', () => {
    const parsed = config(32, 16, 'ws');

    expect(parsed.runName).toBe('test_run');
    expect([parsed.arrayRows, parsed.arrayCols]).toEqual([32, 16]);
    expect([parsed.ifmapSramKb, parsed.filterSramKb, parsed.ofmapSramKb]).toEqual([64, 64, 64]);
    expect(parsed.dataflow).toBe('weight-stationary');
    expect(parsed.interfaceBandwidth).toBe('CALC');
    expect(parsed.ignoredKeys).toContain('memorybanks');
  });

  it('keys are case-insensitive', () => {
    const text = configText(8, 8, 'is').replace('ArrayHeight', 'arrayheight').replace('IfmapSramSzkB', 'ifmapsramszkB');

    expect(parseScaleSimConfig(text, 'lower.cfg').config?.arrayRows).toBe(8);
  });

  it('user bandwidth list', () => {
    const text = configText(8, 8, 'os').replace('InterfaceBandwidth: CALC', 'InterfaceBandwidth: USER').replace('Bandwidth : 10', 'Bandwidth : 10, 20');

    expect(parseScaleSimConfig(text, 'user.cfg').config?.bandwidthWordsPerCycle).toEqual([10, 20]);
  });

  it('unknown key with position', () => {
    const text = configText(8, 8, 'os').replace('ArrayWidth', 'ArrayWidht');
    const [first, second] = errorsOf(parseScaleSimConfig(text, 'typo.cfg'), text);

    expect(first).toContain("typo.cfg:6:1: error: unknown key 'ArrayWidht' in [architecture_presets]");
    expect(first).toContain("did you mean 'ArrayWidth'?");
    expect(second).toContain('missing key ArrayWidth in [architecture_presets]');
  });

  it('bad values point at the value', () => {
    const text = configText(0, 8, 'diagonal');
    const messages = errorsOf(parseScaleSimConfig(text, 'bad.cfg'), text);

    expect(messages[0]).toContain("bad.cfg:5:17: error: invalid ArrayHeight '0': expected an integer of at least 1");
    expect(messages[1]).toContain("bad.cfg:14:12: error: invalid Dataflow 'diagonal': expected os, ws or is");
  });

  it('unknown section and stray lines', () => {
    const text = 'run_name = x\n[genral]\nnot a key\n';
    const messages = errorsOf(parseScaleSimConfig(text, 'odd.cfg'), text);

    expect(messages[0]).toContain("odd.cfg:1:1: error: key 'run_name' before the first [section]");
    expect(messages[1]).toContain('odd.cfg:2:1: error: unknown section [genral]');
    expect(messages[1]).toContain('did you mean [general]?');
  });
});

describe('scalesim topology', () => {
  it('lowers convolutions to gemm', () => {
    // Output 55 × 55 from ⌈(224 − 11 + 4) / 4⌉ = 55; K = 11 · 11 · 3 = 363.
    const text = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1     ,224         ,224        ,11           ,11          ,3       ,96        ,4      ,\n';

    const { layers, diagnostics } = parseTopology(text, 'net.csv', 'conv');

    expect(diagnostics).toEqual([]);
    expect(layers).toEqual([
      {
        name: 'Conv1',
        line: 2,
        m: 3025,
        k: 363,
        n: 96,
        macs: 3025 * 363 * 96,
        shape: { ifmapHeight: 224, ifmapWidth: 224, filterHeight: 11, filterWidth: 11, channels: 3, strideHeight: 4, strideWidth: 4, ofmapHeight: 55, ofmapWidth: 55 },
      },
    ]);
  });

  it('separate strides and no trailing comma', () => {
    // Output ⌈(10 − 3 + 1) / 1⌉ = 8 rows and ⌈(10 − 3 + 2) / 2⌉ = 5 columns.
    const { layers } = parseTopology('Layer name, H, W, FH, FW, C, F, SH, SW\nc, 10, 10, 3, 3, 4, 6, 1, 2\n', 'net.csv', 'conv');

    expect(layers.map((layer) => [layer.m, layer.k, layer.n])).toEqual([[40, 36, 6]]);
  });

  it('splits depthwise layers per channel', () => {
    const { layers } = parseTopology('Layer name, H, W, FH, FW, C, F, S,\nDP1, 8, 8, 3, 3, 3, 1, 1,\n', 'net.csv', 'conv');

    expect(layers.map((layer) => layer.name)).toEqual(['DP1Channel_0', 'DP1Channel_1', 'DP1Channel_2']);
    expect(layers.every((layer) => layer.m === 36 && layer.k === 9 && layer.n === 1)).toBe(true);
  });

  it('gemm form is M, N, K', () => {
    const { layers } = parseTopology('Layer Name, M, N, K,\nTest 1, 256, 128, 64,', 'mnk.csv', 'gemm');

    // SCALE-Sim's -i gemm stores the layer as an M × K input with N filters of 1 × K.
    expect(layers).toEqual([
      {
        name: 'Test 1',
        line: 2,
        m: 256,
        k: 64,
        n: 128,
        macs: 256 * 64 * 128,
        shape: { ifmapHeight: 256, ifmapWidth: 64, filterHeight: 1, filterWidth: 64, channels: 1, strideHeight: 1, strideWidth: 1, ofmapHeight: 256, ofmapWidth: 1 },
      },
    ]);
  });

  it('bad value with position', () => {
    const text = 'Layer name, H, W, FH, FW, C, F, S,\nc1, 8, 8, 3, 3, x, 4, 1,\nc2, 4, 4, 5, 3, 1, 4, 1,\n';
    const messages = errorsOf(parseTopology(text, 'bad.csv', 'conv'), text);

    expect(messages[0]).toContain("bad.csv:2:17: error: invalid value 'x' in field 6");
    expect(messages[1]).toContain('bad.csv:3:11: error: filter height 5 is larger than the IFMAP height 4');
  });

  it('gemm rows without --gemm', () => {
    const text = 'Layer, M, N, K,\nfc, 4, 4, 4,\n';
    const [message] = errorsOf(parseTopology(text, 'mnk.csv', 'conv'), text);

    expect(message).toContain('mnk.csv:2:1: error: layer line has 4 fields');
    expect(message).toContain('add --gemm');
  });
});

describe('scalesim cycles', () => {
  it('output-stationary by hand', () => {
    // 27 × 27 IFMAP, 5 × 5 × 96 filters, 256 of them: M = 23 · 23 = 529, K = 2400, N = 256.
    // Sr = 529 → 17 row folds, Sc = 256 → 8 column folds: 136 folds. T = 2400.
    // SCALE-Sim: 136 · (32 + 32 + 2400 − 2) − 1 = 334831; lmulsim: 136 · (64 + 32 + 2400 − 2) = 339184.
    const layers = parseTopology('h\nConv2, 27, 27, 5, 5, 96, 256, 1,\n', 't.csv', 'conv').layers;

    const [result] = simulateLayers(config(32, 32, 'os'), layers, { format: 'e4m3', method: 'lmul', model: loadCostModel('45nm') });

    expect([result.layer.m, result.layer.k, result.layer.n]).toEqual([529, 2400, 256]);
    expect(result.folds).toBe(136);
    expect(result.scaleSimStallFreeCycles).toBe(334831);
    expect(result.scaleSim.totalCycles - result.scaleSim.stallCycles).toBe(334831);
    expect(result.cycles).toBe(339184);
  });

  it('weight-stationary by hand', () => {
    // M = 3025, K = 363, N = 96 on 12 × 14: Sr = 363 → 31, Sc = 96 → 7, 217 folds of
    // 2 · 12 + 14 + 3025 − 2 = 3061 cycles: 664237, and SCALE-Sim reports 664236.
    expect(scaleSimStallFreeCycles({ arrayRows: 12, arrayCols: 14, dataflowCode: 'ws' }, 3025, 363, 96)).toBe(664236);
    const layers = parseTopology('h\nConv1, 224, 224, 11, 11, 3, 96, 4,\n', 't.csv', 'conv').layers;

    const [result] = simulateLayers(config(12, 14, 'ws'), layers, { format: 'e4m3', method: 'exact', model: loadCostModel('45nm') });

    expect(result.cycles).toBe(664237);
    expect(result.energyPj).toBe(result.exactEnergyPj);
  });

  it('input-stationary by hand', () => {
    // M = 20, N = 30, K = 10 on 8 × 8: Sr = K = 10 → 2, Sc = M = 20 → 3, T = N = 30.
    // 6 folds of 16 + 8 + 30 − 2 = 52 cycles = 312; mapping efficiency 200 / (6 · 64) = 52.083…%.
    const layers = parseTopology('h\nL, 20, 30, 10,\n', 't.csv', 'gemm').layers;

    const [result] = simulateLayers(config(8, 8, 'is'), layers, { format: 'e4m3', method: 'lmul', model: loadCostModel('45nm') });

    expect(result.cycles).toBe(312);
    expect(result.scaleSimStallFreeCycles).toBe(311);
    expect(result.scaleSim.totalCycles).toBe(311);
    expect(result.scaleSim.mappingEfficiencyPercent).toBeCloseTo(5000 / 96, 10);
    expect(result.utilPercent).toBeCloseTo((6000 * 100) / (312 * 64), 10);
    expect(result.energyPj).toBeLessThan(result.exactEnergyPj);
  });

  it('compute report columns', () => {
    const layers = parseTopology('h\nA, 20, 30, 10,\nB, 8, 8, 8,\n', 't.csv', 'gemm').layers;
    const results = simulateLayers(config(8, 8, 'os'), layers, { format: 'e4m3', method: 'lmul', model: loadCostModel('45nm') });

    const lines = computeReportCsv(results).split('\n');

    expect(lines[0]).toBe('LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,');
    // Layer B, SCALE-Sim's os fold: 8 + 8 + 8 − 2 = 22 demand rows, Total Cycles 21, every PE
    // mapped. Overall Util 512 · 100 / (21 · 64); Compute Util 64 · 8 / (64 · 22). The digits are
    // Python's repr of the same doubles.
    expect(lines[2]).toBe('1, 21, 0, 38.095238095238095, 100.0, 36.36363636363637,');
    expect(lines).toHaveLength(4);
  });
});

describe('scalesim command', () => {
  it('writes both reports', async () => {
    const out = join(directory, 'run');

    const result = await runCli(['scalesim', '--config', join(EXAMPLES, 'os_32x32.cfg'), '--topology', join(EXAMPLES, 'small_cnn.csv'), '--out', out]);

    expect(result.code).toBe(0);
    const report = readFileSync(join(out, 'COMPUTE_REPORT.csv'), 'utf8').split('\n');
    expect(report).toHaveLength(6);
    // stem: M = 33 · 33 = 1089, K = 27, N = 32 → 35 folds. SCALE-Sim: 35 · (32 + 32 + 27 − 2) − 1
    // = 3114 without stalls; lmulsim: 35 · (64 + 32 + 27 − 2) = 4235.
    expect(report[1].startsWith('0, 3114, 0, ')).toBe(true);
    const own = readFileSync(join(out, 'LMULSIM_REPORT.csv'), 'utf8').split('\n');
    expect(own[0]).toContain('lmulsim Cycles,SCALE-Sim Total Cycles,SCALE-Sim Stall Cycles,SCALE-Sim Stall-free Cycles,Cycle Difference');
    expect(own[1].startsWith('0,stem,1089,27,32,940896,35,4235,3114,0,3114,1121,')).toBe(true);
    expect(result.stdout).toContain('lmulsim_os_32x32: 32×32 output-stationary, DRAM 16 words/cycle, 4 layers, e4m3 lmul, 45nm');
  });

  it('gemm example runs', async () => {
    const out = join(directory, 'gemm');

    const result = await runCli(['scalesim', '-c', join(EXAMPLES, 'ws_12x14.cfg'), '-t', join(EXAMPLES, 'mlp_gemm.csv'), '--gemm', '-o', out]);

    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'COMPUTE_REPORT.csv'), 'utf8').split('\n')).toHaveLength(5);
  });

  it('bad topology exits 2', async () => {
    const topology = join(directory, 'bad.csv');
    writeFileSync(topology, 'Layer, M, N, K,\nfc, 4, 4, 4,\n');
    const out = join(directory, 'none');

    const result = await runCli(['scalesim', '-c', join(EXAMPLES, 'os_32x32.cfg'), '-t', topology, '-o', out]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${topology}:2:1: error: layer line has 4 fields`);
    expect(result.stderr).toContain(`invalid SCALE-Sim topology ${topology} (1 error)`);
    expect(() => readFileSync(join(out, 'COMPUTE_REPORT.csv'))).toThrow();
  });

  it('bad config exits 2', async () => {
    const cfg = join(directory, 'bad.cfg');
    writeFileSync(cfg, configText(8, 8, 'xs'));

    const result = await runCli(['scalesim', '-c', cfg, '-t', join(EXAMPLES, 'small_cnn.csv'), '-o', join(directory, 'none2')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${cfg}:14:12: error: invalid Dataflow 'xs'`);
  });

  it('missing file exits 2', async () => {
    const result = await runCli(['scalesim', '-c', join(directory, 'nope.cfg'), '-t', join(EXAMPLES, 'small_cnn.csv')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such file');
  });
});
