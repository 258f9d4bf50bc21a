/**
 * Quantities with units in cost files. A value is written as a YAML string `"<number> <unit>"`,
 * for example `"0.03 pJ"` or `"0.798 µm²"`, and converted on load to the canonical unit of its
 * dimension. A bare number is accepted only where the dimension is a plain factor.
 */

/** The dimensions a cost file uses, each with one canonical unit. */
export type Dimension = 'energy' | 'area' | 'energyPerBit' | 'powerPerGe' | 'capacity' | 'factor';

/** Canonical unit of each dimension, the unit every value is stored in after loading. */
export const CANONICAL_UNIT: Readonly<Record<Dimension, string>> = {
  energy: 'pJ',
  area: 'µm²',
  energyPerBit: 'pJ/bit',
  powerPerGe: 'nW/GE',
  capacity: 'B',
  factor: '',
};

/** Accepted unit spellings per dimension, with the factor that converts them to the canonical unit. */
const UNITS: Readonly<Record<Dimension, Readonly<Record<string, number>>>> = {
  energy: { aJ: 1e-6, fJ: 1e-3, pJ: 1, nJ: 1e3, uJ: 1e6, 'µJ': 1e6 },
  area: { 'µm²': 1, 'µm2': 1, 'um²': 1, um2: 1, 'um^2': 1, 'µm^2': 1, 'mm²': 1e6, mm2: 1e6 },
  energyPerBit: { 'fJ/bit': 1e-3, 'pJ/bit': 1, 'nJ/bit': 1e3 },
  powerPerGe: { 'pW/GE': 1e-3, 'nW/GE': 1, 'uW/GE': 1e3, 'µW/GE': 1e3 },
  capacity: { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 },
  factor: {},
};

/** A parsed quantity, or the reason it could not be parsed. */
export type QuantityResult = { readonly ok: true; readonly value: number; readonly unit: string } | { readonly ok: false; readonly message: string };

/** Lists the unit spellings accepted for a dimension, for error messages. */
export function acceptedUnits(dimension: Dimension): string {
  return Object.keys(UNITS[dimension]).join(', ');
}

/**
 * Parses `"<number> <unit>"` (the space is optional) into the canonical unit of `dimension`.
 * Negative values, NaN and infinity are rejected; so are missing or wrong units.
 */
export function parseQuantity(raw: unknown, dimension: Dimension): QuantityResult {
  if (dimension === 'factor') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return { ok: false, message: `expected a plain number, found ${describe(raw)}` };
    if (raw < 0) return { ok: false, message: `negative value ${raw} is not allowed` };
    return { ok: true, value: raw, unit: '' };
  }

  if (typeof raw === 'number') {
    return { ok: false, message: `missing unit on ${raw}: write it as "${raw} ${CANONICAL_UNIT[dimension]}" (accepted units: ${acceptedUnits(dimension)})` };
  }
  if (typeof raw !== 'string') return { ok: false, message: `expected a quantity such as "1.5 ${CANONICAL_UNIT[dimension]}", found ${describe(raw)}` };

  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S+)?\s*$/.exec(raw);
  if (!match) return { ok: false, message: `invalid quantity '${raw}': expected "<number> <unit>"` };
  const number = Number(match[1]);
  const unit = match[2];
  if (unit === undefined) {
    return { ok: false, message: `missing unit on '${raw}' (accepted units: ${acceptedUnits(dimension)})` };
  }

  const scale = UNITS[dimension][unit];
  if (scale === undefined) {
    return { ok: false, message: `wrong unit '${unit}' in '${raw}': expected one of ${acceptedUnits(dimension)}` };
  }
  if (number < 0) return { ok: false, message: `negative value '${raw}' is not allowed` };
  return { ok: true, value: number * scale, unit };
}

function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return 'nothing';
  if (typeof raw === 'object') return Array.isArray(raw) ? 'a list' : 'a mapping';
  return `'${String(raw)}'`;
}
