import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeProgram } from '../../sim/exec/index.js';
import { encodeNpy, parseNpy, readNpyFile, writeNpyFile } from '../../sim/io/npy.js';
import { parseRawBits, parseRawNumbers } from '../../sim/io/raw.js';
import { openTraceWriter } from '../../sim/trace/index.js';
import { compile, testArch } from './helpers.js';

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lmulsim-io-'));
});
afterEach(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

/** Builds a version 1.0 .npy file by hand: header dict padded to 64 bytes, then the data bytes. */
function handMadeNpy(descr: string, fortran: boolean, shape: string, data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  bytes.set(data, 10 + header.length);
  return bytes;
}

describe('npy files', () => {
  it('round trip float32 and float64', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (shape, wide) => {
        const count = shape.reduce((a, b) => a * b, 1);
        const values = Float64Array.from({ length: count }, (_, i) => Math.fround(i * 0.37 - 2));

        const parsed = parseNpy(encodeNpy(shape, values, wide ? 'float64' : 'float32'));

        expect(parsed.shape).toEqual(shape);
        expect(parsed.descr).toBe(wide ? '<f8' : '<f4');
        expect(Array.from(parsed.values)).toEqual(Array.from(values));
      }),
      { numRuns: 50 },
    );
  });

  it('header is padded to 64 bytes', () => {
    const bytes = encodeNpy([3, 7], new Float64Array(21));

    const headerLength = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
  });

  it('reads fortran order and narrow types', () => {
    const fortran = handMadeNpy('<i2', true, '(2, 3)', new Uint8Array(new Int16Array([1, 4, 2, 5, 3, 6]).buffer));
    const half = handMadeNpy('<f2', false, '(3,)', new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7c00]).buffer));
    const bigEndian = handMadeNpy('>f4', false, '(1,)', new Uint8Array([0x3f, 0xc0, 0, 0]));

    expect(Array.from(parseNpy(fortran).values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(parseNpy(half).values)).toEqual([1, -2, Infinity]);
    expect(Array.from(parseNpy(bigEndian).values)).toEqual([1.5]);
  });

  it('rejects malformed files', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(/invalid .npy file 'x.npy': missing the/);
    expect(() => parseNpy(handMadeNpy('<c8', false, '(1,)', new Uint8Array(8)), 'c.npy')).toThrow(/unsupported dtype '<c8'/);
    expect(() => parseNpy(handMadeNpy('<f4', false, '(4,)', new Uint8Array(8)), 'short.npy')).toThrow(/data holds 8 bytes, shape \[4\] needs 16/);
  });

  it('writes atomically', () => {
    const file = path.join(directory, 'out.npy');

    writeNpyFile(file, [2, 2], [1, 2, 3, 4]);

    expect(fs.readdirSync(directory)).toEqual(['out.npy']);
    expect(Array.from(readNpyFile(file).values)).toEqual([1, 2, 3, 4]);
  });
});

describe('raw files', () => {
  it('reads numbers and bit patterns', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const bf16 = new Uint8Array(new Uint16Array([0x3fc0]).buffer);

    expect(Array.from(parseRawNumbers(f32, 'f32', 2))).toEqual([1.5, -2]);
    expect(Array.from(parseRawNumbers(bf16, 'bf16', 1))).toEqual([1.5]);
    expect(Array.from(parseRawBits(new Uint8Array([0x38, 0x7e]), 8, 2))).toEqual([0x38, 0x7e]);
    expect(() => parseRawBits(new Uint8Array([1, 2, 3]), 8, 2, 'r.bin')).toThrow(/invalid raw file 'r.bin': it has 3 bytes, but 2 elements of 1 bytes need 2/);
    expect(() => parseRawBits(new Uint8Array([0xff, 0]), 4, 2, 'r.bin')).toThrow(/element 0 is 0xff, wider than 4 bits/);
  });
});

const TRACED_PROGRAM = `
.tensor A fp32[16, 16] init=ones
.tensor C fp32[16, 16] output
load sp[0], A[0 +: 16, 0 +: 16] fmt=e4m3 signal=compute
preload sp[0] k=16 n=16 wait=load
matmul acc[0], sp[0] m=16 k=16 n=16 method=lmul in=e4m3 out=fp32 overwrite signal=store
store C[0 +: 16, 0 +: 16], acc[0] wait=compute
halt
`;

describe('traces', () => {
  it('chrome json parses', () => {
    const arch = testArch({ cores: 2 });
    const file = path.join(directory, 'run.json');
    const trace = openTraceWriter(file, arch.clockMhz);

    const result = executeProgram(compile(TRACED_PROGRAM, arch), { arch, trace });
    trace.finish(result.cycles);

    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string; pid: number; tid: number; ts?: number; dur?: number; args: Record<string, unknown> }[] };
    const threads = json.traceEvents.filter((event) => event.name === 'thread_name').map((event) => `${event.pid}/${event.args.name as string}`);
    expect(threads).toEqual(['0/load', '0/compute', '0/vector', '0/store', '0/control', '1/load', '1/compute', '1/vector', '1/store', '1/control']);
    const matmuls = json.traceEvents.filter((event) => event.name === 'matmul');
    expect(matmuls).toHaveLength(2);
    expect(matmuls[0].ph).toBe('X');
    expect(matmuls[0].dur).toBe(62 / 1000);
    expect(matmuls[0].args.location).toBe('/virtual/test.lasm:6:1');
    expect(json.traceEvents.some((event) => event.name === 'stall: dma')).toBe(true);
    expect(fs.readdirSync(directory)).toEqual(['run.json']);
  });

  it('vcd has header and ordered changes', () => {
    const arch = testArch({ cores: 2 });
    const file = path.join(directory, 'run.vcd');
    const trace = openTraceWriter(file, arch.clockMhz);

    const result = executeProgram(compile(TRACED_PROGRAM, arch), { arch, trace });
    trace.finish(result.cycles);

    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('$timescale 1 ps $end');
    expect(text).toContain('$scope module core1 $end');
    expect(text.match(/\$var wire 1 \S+ (busy|stall) \$end/g)).toHaveLength(20);
    const body = text.slice(text.indexOf('$enddefinitions $end'));
    const times = [...body.matchAll(/^#(\d+)$/gm)].map((match) => Number(match[1]));
    expect(times.length).toBeGreaterThan(4);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    // 1000 MHz: one cycle is 1000 ps, so the run ends at cycles × 1000.
    expect(times[times.length - 1]).toBe(result.cycles * 1000);
    const changes = body.split('\n').filter((line) => /^[01]\S+$/.test(line));
    expect(changes.length).toBeGreaterThan(8);
    expect(fs.readdirSync(directory)).toEqual(['run.vcd']);
  });

  it('abort leaves no file', () => {
    const arch = testArch();
    for (const name of ['a.json', 'a.vcd']) {
      const trace = openTraceWriter(path.join(directory, name), arch.clockMhz);
      trace.addTrack(0, 'load');
      trace.busy(0, 0, 10, 'load');

      trace.abort();
    }

    expect(fs.readdirSync(directory)).toEqual([]);
  });

  it('unknown extension rejected', () => {
    expect(() => openTraceWriter(path.join(directory, 'x.txt'), 100)).toThrow(/expected a name ending in .json .* or .vcd/);
  });
});
