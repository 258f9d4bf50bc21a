/**
 * Command-line options shared by `lmulsim rtl`, `vectors` and `synth`: which unit to generate
 * and how.
 */
import type { Command } from 'commander';
import { parseIntegerOption } from '../cli/options.js';
import { ADDER_KINDS } from './adders.js';
import { MAC_METHODS, UNITS, type UnitRequest } from './generate.js';
import { MULTIPLIER_KINDS } from './multipliers.js';

/** Raw option values as commander stores them. */
export interface UnitOptionValues {
  readonly unit: string;
  readonly format: string;
  readonly method?: string;
  readonly adder: string;
  readonly multiplier: string;
  readonly stages: string;
  readonly top?: string;
}

/** Adds the unit-selection options to a subcommand. */
export function addUnitOptions(command: Command): Command {
  return command
    .requiredOption('--unit <unit>', `datapath unit (required): ${UNITS.join(', ')}`)
    .requiredOption('--format <format>', 'operand format (required): fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz or eXmY')
    .option('--method <method>', `MAC multiplier: ${MAC_METHODS.join(', ')} (default lmul; lmul and fpmul units imply lmul and exact)`)
    .option('--adder <kind>', `carry-propagate adder: ${ADDER_KINDS.join(', ')} (ripple-carry, Kogge-Stone, Brent-Kung)`, 'rca')
    .option('--multiplier <kind>', `significand multiplier: ${MULTIPLIER_KINDS.join(', ')} (radix-4 Booth)`, 'dadda')
    .option('--stages <n>', 'register stages from inputs to output, 0 to 16; 0 is combinational', '0')
    .option('--top <name>', 'top module name (default UNIT_FORMAT, or mac_METHOD_FORMAT)');
}

/** Converts the option values into a request for `resolveUnitSpec`. */
export function unitRequest(values: UnitOptionValues): UnitRequest {
  return {
    unit: values.unit,
    format: values.format,
    method: values.method,
    adder: values.adder,
    multiplier: values.multiplier,
    stages: parseIntegerOption('--stages', values.stages, 0, 16),
    top: values.top,
  };
}
