import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costModelGivenAsMachine, machineGivenAsCostModel } from '../../common/file-kind.js';
import { runCli } from '../helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MACHINE = join(ROOT, 'examples', 'arch', 'edge-npu.yaml');
const COST_MODEL = join(ROOT, 'costmodels', 'data', '45nm.yaml');
const PROGRAM = join(ROOT, 'examples', 'gemm.lasm');

describe('machine file given as cost model', () => {
  it('claims --node prints one error', async () => {
    const result = await runCli(['claims', '--node', MACHINE]);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: ${MACHINE} is a machine description (it has the top-level keys clockMhz, core, memory), not a cost model: give --node 45nm, 7nm or a cost-model YAML file; machine descriptions go to the --arch option of run, compare, check, model and accuracy`,
    ]);
  });

  it('compare --node names --arch', async () => {
    const result = await runCli(['compare', PROGRAM, '--node', MACHINE]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a machine description');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('cost model given as machine', () => {
  it('run --arch prints one error', async () => {
    const result = await runCli(['run', PROGRAM, '--arch', COST_MODEL]);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: ${COST_MODEL} is a cost model (it has the top-level keys node, gates, leakage), not a machine description: give --arch a preset or a machine YAML file; cost models go to --node (or --cost)`,
    ]);
  });

  it('check --arch prints one error', async () => {
    const result = await runCli(['check', '--arch', COST_MODEL, PROGRAM]);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('is a cost model');
  });
});

describe('file kind detection', () => {
  it('needs a key of the other kind', () => {
    expect(machineGivenAsCostModel('m.yaml', ['name', 'clockMhz'])).toContain('clockMhz');
    expect(machineGivenAsCostModel('m.yaml', ['name', 'description'])).toBeUndefined();
    expect(costModelGivenAsMachine('c.yaml', ['gates'])).toContain('gates');
    expect(costModelGivenAsMachine('c.yaml', ['foo'])).toBeUndefined();
  });

  it('any key of the expected kind wins', () => {
    // A broken file of the right kind keeps its detailed diagnostics.
    expect(machineGivenAsCostModel('c.yaml', ['node', 'clockMhz'])).toBeUndefined();
    expect(costModelGivenAsMachine('m.yaml', ['core', 'gates'])).toBeUndefined();
  });
});
