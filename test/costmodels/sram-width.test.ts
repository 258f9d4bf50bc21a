import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { dataDirectory, loadCostModel, sramEnergyPerAccess } from '../../costmodels/index.js';

const KIB = 1024;
const MIB = 1024 * 1024;
const model45 = loadCostModel('45nm');
const model7 = loadCostModel('7nm');
const directory = mkdtempSync(path.join(tmpdir(), 'lmulsim-sram-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Horowitz, 45 nm, 64-bit accesses: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ. Between 32 KiB and
// 1 MiB the log-log slope is log(100/20) / log(32) = log2(5) / 5, so a slice of 32 KiB × 2^k costs
// 20 × 5^(k/5) pJ.
describe('SRAM slices at 45 nm', () => {
  it('8 MiB scratchpad of 2048-bit words', () => {
    // 32 slices of 64 bits, each 8 MiB / 32 = 256 KiB = 32 KiB × 2^3: 20 × 5^0.6 pJ each.
    const access = sramEnergyPerAccess(model45, 8 * MIB, 2048);

    expect(access.slices).toBe(32);
    expect(access.sliceCapacityBytes).toBe(256 * KIB);
    expect(access.sliceEnergyPj).toBeCloseTo(20 * 5 ** 0.6, 10);
    expect(access.energyPj).toBeCloseTo(640 * 5 ** 0.6, 9);
    // About 1681 pJ, 0.82 pJ per bit. Pricing the whole 8 MiB as one 64-bit array, scaled linearly
    // with width, gave 32 × 100 × 5^0.6 ≈ 8405 pJ, five times more.
    expect(access.energyPj).toBeCloseTo(1680.96, 1);
    expect(access.method).toContain('32 slices of 64 bits x 256KiB');
    expect(access.method).toContain('log-log interpolation');
  });

  it('2 MiB accumulator of 4096-bit words', () => {
    // 64 slices of 32 KiB, exactly the 32 KB row: 64 × 20 pJ.
    const access = sramEnergyPerAccess(model45, 2 * MIB, 4096);

    expect(access.energyPj).toBeCloseTo(1280, 10);
    expect(access.method).toContain('table row');
    expect(access.used.map(([key]) => key)).toEqual(['sram.rows[1] 32KiB']);
  });

  it('512 KiB scratchpad of 128-bit words', () => {
    // 2 slices of 256 KiB.
    const access = sramEnergyPerAccess(model45, 512 * KIB, 128);

    expect(access.energyPj).toBeCloseTo(40 * 5 ** 0.6, 10);
  });

  it('narrow word is part of an access', () => {
    // A 32-bit word of a 128 KiB SRAM is half a 64-bit access to 128 KiB = 32 KiB × 2^2: 20 × 5^0.4 / 2.
    const access = sramEnergyPerAccess(model45, 128 * KIB, 32);

    expect(access.slices).toBe(0.5);
    expect(access.sliceCapacityBytes).toBe(128 * KIB);
    expect(access.energyPj).toBeCloseTo(10 * 5 ** 0.4, 10);
    expect(access.method).toContain('0.5 of a 64-bit access to 128KiB');
  });

  it('slices below the table are clamped', () => {
    // 32 slices of 256 B each cost the 8 KB row's 10 pJ: energy per bit never drops below 10/64 pJ.
    const access = sramEnergyPerAccess(model45, 8 * KIB, 2048);

    expect(access.energyPj).toBeCloseTo(320, 10);
    expect(access.method).toContain('clamped');
  });

  it('slices above the table are extrapolated', () => {
    // A 64-bit 8 MiB array extends the 32 KiB to 1 MiB slope: 100 × 8^(log2(5)/5) = 100 × 5^0.6.
    const access = sramEnergyPerAccess(model45, 8 * MIB, 64);

    expect(access.energyPj).toBeCloseTo(100 * 5 ** 0.6, 9);
    expect(access.method).toContain('extrapolation above the largest table row');
  });
});

describe('SRAM slices at 7 nm', () => {
  it('8 MiB scratchpad of 2048-bit words', () => {
    // Jouppi, 7 nm: 32 KB 8.5 pJ, 1 MB 14 pJ; a 256 KiB slice is 3/5 of the way from 32 KiB to 1 MiB in log capacity.
    const access = sramEnergyPerAccess(model7, 8 * MIB, 2048);

    expect(access.energyPj).toBeCloseTo(32 * 8.5 * (14 / 8.5) ** 0.6, 9);
  });
});

describe('SRAM energy properties', () => {
  it('grows with capacity and width, per bit at least the smallest row', () => {
    const smallestPerBit = 10 / 64;
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 26 }), fc.integer({ min: 3, max: 13 }), (capacityLog2, widthLog2) => {
        const capacity = 2 ** capacityLog2;
        const width = 2 ** widthLog2;
        const energy = sramEnergyPerAccess(model45, capacity, width).energyPj;

        expect(sramEnergyPerAccess(model45, 2 * capacity, width).energyPj).toBeGreaterThanOrEqual(energy * (1 - 1e-12));
        expect(sramEnergyPerAccess(model45, capacity, 2 * width).energyPj).toBeGreaterThanOrEqual(energy * (1 - 1e-12));
        expect(sramEnergyPerAccess(model45, capacity, 2 * width).energyPj).toBeLessThanOrEqual(2 * energy * (1 + 1e-12));
        expect(energy / width).toBeGreaterThanOrEqual(smallestPerBit * (1 - 1e-12));
      }),
    );
  });
});

describe('SRAM table format', () => {
  it('widthScaling key rejected', () => {
    const node = readFileSync(path.join(dataDirectory(), '45nm.yaml'), 'utf8').replace('  wordBits: 64\n', '  wordBits: 64\n  widthScaling:\n    exponent: 1.0\n    source: assumption\n');
    const file = path.join(directory, 'old-sram.yaml');
    writeFileSync(file, node);

    let error: unknown;
    try {
      loadCostModel(file);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(UserError);
    const diagnostic = (error as UserError).diagnostics[0];
    expect(diagnostic.message).toContain('sram.widthScaling is no longer read');
    expect(diagnostic.hint).toBe('delete the widthScaling entry');
    expect(diagnostic.span?.file).toBe(file);
    expect(diagnostic.span?.line).toBe(node.split('\n').indexOf('  widthScaling:') + 1);
  });
});
