/**
 * Binary floating-point formats up to 32 bits: IEEE 754 binary32, binary16, bfloat16, the OCP 8-bit
 * formats (OFP8 E4M3 and E5M2), the FNUZ variants and generic IEEE-style eXmY formats.
 */
import { closestMatch } from '../../common/diagnostic.js';
import { UserError } from '../../common/errors.js';

/**
 * The encoding of NaN and infinity in a format.
 * - `ieee`: exponent all ones is inf (mantissa 0) or NaN (mantissa not 0); ±0 exist.
 * - `fn`: OCP E4M3 style. No inf, and NaN only at S.1111.111, so exponent all ones encodes finite values.
 * - `fnuz`: NaN only at 0x80 (the −0 pattern), no inf, no −0; every other pattern is finite.
 */
export type NanStyle = 'ieee' | 'fn' | 'fnuz';

/** A binary floating-point format of at most 32 bits: 1 sign bit, `expBits` exponent bits, `manBits` mantissa bits. */
export interface FloatFormat {
  /** Canonical name, as accepted by `parseFormat`: 'fp32', 'e4m3', 'e3m4'. */
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  /** Exponent bias: a normal number with exponent field E has the value (1 + M / 2^manBits) · 2^(E − bias). */
  readonly bias: number;
  /** Total width, 1 + expBits + manBits. */
  readonly widthBits: number;
  readonly nanStyle: NanStyle;
  readonly hasInf: boolean;
  readonly hasNegativeZero: boolean;
  /** Whether conversions and multiplications clamp overflow to ±max finite when the caller does not choose. */
  readonly saturateByDefault: boolean;
  /** Bit pattern of +max finite; every positive pattern above it is inf or NaN. */
  readonly maxFiniteBits: number;
  readonly maxFinite: number;
  /** Smallest positive normal value, 2^(1 − bias). */
  readonly minNormal: number;
  /** Smallest positive subnormal value, 2^(1 − bias − manBits). */
  readonly minSubnormal: number;
  /** Canonical NaN pattern produced by this library: quiet NaN with + sign for IEEE style, 0x7F for fn, 0x80 for fnuz. */
  readonly nanBits: number;
  /** The sign bit, 2^(widthBits − 1). */
  readonly signMask: number;
}

/** Names of the predefined formats, in the order used by listings and benchmarks. */
export const NAMED_FORMATS: readonly string[] = ['fp32', 'fp16', 'bf16', 'e4m3', 'e5m2', 'e4m3fnuz', 'e5m2fnuz'];

/** Alternative spellings accepted by `parseFormat`, mapped to canonical names. */
const ALIASES: Readonly<Record<string, string>> = {
  float32: 'fp32',
  binary32: 'fp32',
  float16: 'fp16',
  binary16: 'fp16',
  half: 'fp16',
  bfloat16: 'bf16',
  e4m3fn: 'e4m3',
  float8_e4m3fn: 'e4m3',
  float8_e5m2: 'e5m2',
  float8_e4m3fnuz: 'e4m3fnuz',
  float8_e5m2fnuz: 'e5m2fnuz',
  e8m23: 'fp32',
  e5m10: 'fp16',
  e8m7: 'bf16',
};

interface FormatSpec {
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  readonly nanStyle: NanStyle;
  readonly saturateByDefault: boolean;
}

/** Builds a format and derives its limits from the exponent and mantissa widths, bias and NaN style. */
export function defineFormat(spec: FormatSpec): FloatFormat {
  const { expBits, manBits, bias, nanStyle } = spec;
  const widthBits = 1 + expBits + manBits;
  const expAllOnes = 2 ** expBits - 1;
  const manAllOnes = 2 ** manBits - 1;

  // The largest finite pattern: IEEE style stops one binade below the inf/NaN exponent, OCP E4M3 style
  // gives up only the all-ones mantissa of the top binade, FNUZ keeps every positive pattern.
  let maxExpField: number;
  let maxManField: number;
  if (nanStyle === 'ieee') {
    maxExpField = expAllOnes - 1;
    maxManField = manAllOnes;
  } else if (nanStyle === 'fn') {
    maxExpField = expAllOnes;
    maxManField = manAllOnes - 1;
  } else {
    maxExpField = expAllOnes;
    maxManField = manAllOnes;
  }
  const maxFiniteBits = maxExpField * 2 ** manBits + maxManField;
  const maxFinite =
    maxExpField === 0
      ? maxManField * 2 ** (1 - bias - manBits)
      : (2 ** manBits + maxManField) * 2 ** (maxExpField - bias - manBits);

  const signMask = 2 ** (widthBits - 1);
  let nanBits: number;
  if (nanStyle === 'ieee') nanBits = expAllOnes * 2 ** manBits + 2 ** (manBits - 1);
  else if (nanStyle === 'fn') nanBits = expAllOnes * 2 ** manBits + manAllOnes;
  else nanBits = signMask;

  return Object.freeze({
    name: spec.name,
    expBits,
    manBits,
    bias,
    widthBits,
    nanStyle,
    hasInf: nanStyle === 'ieee',
    hasNegativeZero: nanStyle !== 'fnuz',
    saturateByDefault: spec.saturateByDefault,
    maxFiniteBits,
    maxFinite,
    minNormal: 2 ** (1 - bias),
    minSubnormal: 2 ** (1 - bias - manBits),
    nanBits,
    signMask,
  });
}

/** IEEE 754 binary32. */
export const FP32 = defineFormat({ name: 'fp32', expBits: 8, manBits: 23, bias: 127, nanStyle: 'ieee', saturateByDefault: false });
/** IEEE 754 binary16. */
export const FP16 = defineFormat({ name: 'fp16', expBits: 5, manBits: 10, bias: 15, nanStyle: 'ieee', saturateByDefault: false });
/** bfloat16: the upper half of binary32. */
export const BF16 = defineFormat({ name: 'bf16', expBits: 8, manBits: 7, bias: 127, nanStyle: 'ieee', saturateByDefault: false });
/** OCP OFP8 E4M3 (ml_dtypes float8_e4m3fn): max 448, NaN only S.1111.111, no inf. */
export const E4M3 = defineFormat({ name: 'e4m3', expBits: 4, manBits: 3, bias: 7, nanStyle: 'fn', saturateByDefault: true });
/** OCP OFP8 E5M2: IEEE style, max 57344. */
export const E5M2 = defineFormat({ name: 'e5m2', expBits: 5, manBits: 2, bias: 15, nanStyle: 'ieee', saturateByDefault: true });
/** E4M3FNUZ (LLVM Float8E4M3FNUZ, ml_dtypes float8_e4m3fnuz): bias 8, max 240, NaN only 0x80, no inf, no −0. */
export const E4M3FNUZ = defineFormat({ name: 'e4m3fnuz', expBits: 4, manBits: 3, bias: 8, nanStyle: 'fnuz', saturateByDefault: true });
/** E5M2FNUZ (LLVM Float8E5M2FNUZ, ml_dtypes float8_e5m2fnuz): bias 16, max 57344, NaN only 0x80, no inf, no −0. */
export const E5M2FNUZ = defineFormat({ name: 'e5m2fnuz', expBits: 5, manBits: 2, bias: 16, nanStyle: 'fnuz', saturateByDefault: true });

const NAMED: ReadonlyMap<string, FloatFormat> = new Map(
  [FP32, FP16, BF16, E4M3, E5M2, E4M3FNUZ, E5M2FNUZ].map((format) => [format.name, format]),
);

/** Generic formats are cached so that one name always yields the same object (lookup tables key on it). */
const genericCache = new Map<string, FloatFormat>();

const GENERIC_PATTERN = /^e(\d+)m(\d+)$/;

/** Returns the format for `name` (case-insensitive), or undefined when the name is not a format. */
export function tryParseFormat(name: string): FloatFormat | undefined {
  const lower = name.trim().toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  const named = NAMED.get(canonical);
  if (named) return named;

  const match = GENERIC_PATTERN.exec(canonical);
  if (!match) return undefined;
  const expBits = Number(match[1]);
  const manBits = Number(match[2]);
  if (expBits < 1 || expBits > 8 || manBits < 1 || manBits > 23) return undefined;

  const key = `e${expBits}m${manBits}`;
  let format = genericCache.get(key);
  if (!format) {
    format = defineFormat({ name: key, expBits, manBits, bias: 2 ** (expBits - 1) - 1, nanStyle: 'ieee', saturateByDefault: false });
    genericCache.set(key, format);
  }
  return format;
}

/**
 * Returns the format for `name`: a predefined name or alias (case-insensitive), or eXmY with
 * 1 <= X <= 8 exponent bits and 1 <= Y <= 23 mantissa bits (IEEE style, bias 2^(X−1) − 1).
 * Throws UserError naming the accepted formats otherwise.
 */
export function parseFormat(name: string): FloatFormat {
  const format = tryParseFormat(name);
  if (format) return format;

  const accepted = `${NAMED_FORMATS.join(', ')} or eXmY with 1 <= X <= 8 exponent bits and 1 <= Y <= 23 mantissa bits`;
  if (GENERIC_PATTERN.test(name.trim().toLowerCase())) {
    throw new UserError(`invalid number format '${name}': the exponent or mantissa width is out of range (expected ${accepted})`);
  }
  const suggestion = closestMatch(name, [...NAMED_FORMATS, ...Object.keys(ALIASES)]);
  const hint = suggestion ? ` (did you mean '${suggestion}'?)` : '';
  throw new UserError(`invalid number format '${name}': expected ${accepted}${hint}`);
}
