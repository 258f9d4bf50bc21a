import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCostModel, unitCost } from '../../costmodels/index.js';
import { generateUnit, resolveUnitSpec } from '../../rtl/generate.js';
import { simulateUnit } from '../../rtl/simulate.js';
import { countVcdToggles, GENERIC_CELL_MODELS } from '../../rtl/toggles.js';
import { findTool, makeTempDirectory, removeDirectory } from '../../rtl/tools.js';
import { buildVectors } from '../../rtl/vectors.js';
import { areaGe, parseLtp, parseStatJson, synthesize } from '../../rtl/yosys.js';

const haveYosys = findTool('yosys') !== undefined;
const haveIcarus = findTool('iverilog') !== undefined && findTool('vvp') !== undefined;

/** Allowed relative difference between Yosys and the cost model, for cells and for depth. */
const TOLERANCE = 0.3;

describe('rtl yosys parsers', () => {
  it('stat json design totals', () => {
    const text = 'stat -json\n{"creator": "Yosys 0.23", "modules": {}, "design": {"num_cells": 17, "num_cells_by_type": {"$_AND_": 1, "$_NAND_": 9, "$_XOR_": 7}}}';

    const parsed = parseStatJson(text);

    expect(parsed.cells).toBe(17);
    expect(parsed.cellsByType).toEqual({ $_AND_: 1, $_NAND_: 9, $_XOR_: 7 });
    expect(areaGe(parsed.cellsByType)).toBeCloseTo(1.33 + 9 + 7 * 2.33, 6);
  });

  it('stat json without design rejected', () => {
    expect(() => parseStatJson('{"modules": {}}')).toThrow(/design.num_cells/);
  });

  it('ltp length', () => {
    expect(parseLtp('5. Executing LTP pass (find longest path).\n\nLongest topological path in t (length=7):\n    0: \\b [1]\n')).toBe(7);
    expect(() => parseLtp('nothing here')).toThrow(/Longest topological path/);
  });

  it('vcd toggles per net and step', async () => {
    const directory = makeTempDirectory();
    try {
      const path = join(directory, 't.vcd');
      // Net ! goes 0 -> 1 -> 1 -> 0 (2 toggles), bus " goes 01 -> 10 -> 11 (2 + 1), with a
      // glitch inside step 20 that ends at the old value (0 toggles). Step 0 is not counted.
      writeFileSync(path, ['$var wire 1 ! n $end', '$var wire 2 " bus $end', '$enddefinitions $end', '#0', '$dumpvars', '0!', 'b1 "', '$end', '#10', '1!', 'b10 "', '#20', '0!', '1!', 'b11 "', '#30', '0!', ''].join('\n'));

      const toggles = await countVcdToggles(path, 5);

      expect(toggles).toBe(5);
    } finally {
      removeDirectory(directory);
    }
  });
});

describe.runIf(haveYosys && haveIcarus)('rtl gate-level netlist', () => {
  it('lmul e4m3 netlist matches the core exhaustively', async () => {
    const unit = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3' }));
    const synthesis = await synthesize(unit.verilog, unit.spec.top);
    const vectors = buildVectors(unit, { exhaustive: true, count: 0, seed: 1, distribution: 'uniform' });

    const result = await simulateUnit({ ...unit, verilog: `${synthesis.netlist}\n${GENERIC_CELL_MODELS}\n` }, vectors);

    expect(result.failed).toBe(0);
    expect(result.passed).toBe(65536);
  });
});

describe.runIf(haveYosys)('rtl synthesis against cost model', () => {
  const model = loadCostModel('45nm');
  for (const unitName of ['lmul', 'fpmul'] as const) {
    for (const format of ['e4m3', 'e5m2', 'bf16', 'fp16', 'fp32']) {
      const key = `${unitName} ${format}`;
      it(`${key} within 30% of cost model`, async () => {
        const unit = generateUnit(resolveUnitSpec({ unit: unitName, format }));
        const estimate = unitCost(unitName, format, model);

        const synthesis = await synthesize(unit.verilog, unit.spec.top);

        console.log(`${key}: yosys ${synthesis.cells} cells, depth ${synthesis.depth}; cost model ${estimate.genericCells} cells, depth ${estimate.depth}`);
        expect(synthesis.cells).toBeGreaterThan(0);
        expect(Math.abs(synthesis.cells / estimate.genericCells - 1)).toBeLessThanOrEqual(TOLERANCE);
        expect(Math.abs(synthesis.depth / estimate.depth - 1)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }
});

describe.runIf(haveYosys)('rtl adder and mac against cost model', () => {
  const model = loadCostModel('45nm');
  // The cost model's MAC includes a 32-bit accumulator register, which the generated MAC (acc is an input) does not.
  const cases: Array<{ unit: 'fpadd' | 'mac'; format: string; method?: 'exact' | 'lmul' }> = [
    { unit: 'fpadd', format: 'fp32' },
    { unit: 'fpadd', format: 'bf16' },
    { unit: 'mac', format: 'e4m3', method: 'exact' },
    { unit: 'mac', format: 'e4m3', method: 'lmul' },
    { unit: 'mac', format: 'fp16', method: 'lmul' },
  ];
  for (const { unit: unitName, format, method } of cases) {
    const key = `${unitName} ${method ?? ''} ${format}`.replace('  ', ' ');
    it(`${key} within 30% of cost model`, async () => {
      const unit = generateUnit(resolveUnitSpec({ unit: unitName, format, method }));
      const estimate = unitCost(unitName, format, model, method ? { method } : {});

      const synthesis = await synthesize(unit.verilog, unit.spec.top);

      console.log(`${key}: yosys ${synthesis.cells} cells, depth ${synthesis.depth}; cost model ${estimate.genericCells} cells, depth ${estimate.depth}`);
      expect(Math.abs(synthesis.cells / estimate.genericCells - 1)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs(synthesis.depth / estimate.depth - 1)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

describe.runIf(haveYosys && haveIcarus)('rtl tool failures', () => {
  it('yosys error shows log tail', async () => {
    await expect(synthesize('module broken (input a, output y);\n  assign y = ;\nendmodule\n', 'broken')).rejects.toThrow(/yosys exited with status \d+[\s\S]*ERROR/);
  });

  it('icarus error shows log tail', async () => {
    const unit = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3' }));

    const run = simulateUnit({ ...unit, verilog: 'module lmul_e4m3 (input [7:0] a, input [7:0] b, output [7:0] y);\n  assign y = a +;\nendmodule\n' }, [[0, 0, 0]]);

    await expect(run).rejects.toThrow(/iverilog exited with status \d+[\s\S]*syntax error/);
  });
});

describe.runIf(haveYosys)('rtl synthesis structure', () => {
  it('pipeline stages add flip-flops', async () => {
    const combinational = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3' }));
    const pipelined = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'e4m3', stages: 2 }));

    const flat = await synthesize(combinational.verilog, combinational.spec.top);
    const registered = await synthesize(pipelined.verilog, pipelined.spec.top);

    // Rank 1 registers both 8-bit operands, rank 2 the 8-bit result.
    expect(flat.cellsByType.$_DFF_P_ ?? 0).toBe(0);
    expect(registered.cellsByType.$_DFF_P_).toBe(24);
  });

  it('kogge-stone lmul shallower than ripple', async () => {
    const ripple = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'fp32', adder: 'rca' }));
    const prefix = generateUnit(resolveUnitSpec({ unit: 'lmul', format: 'fp32', adder: 'ks' }));

    const rippleResult = await synthesize(ripple.verilog, ripple.spec.top);
    const prefixResult = await synthesize(prefix.verilog, prefix.spec.top);

    expect(prefixResult.depth).toBeLessThan(rippleResult.depth);
    expect(prefixResult.cells).toBeGreaterThan(rippleResult.cells);
  });
});
