/**
 * Recognition of a machine description given where a cost model is expected, and the reverse, from
 * the top-level keys that each kind of file requires.
 */

/** Keys every machine description has (sim/arch/machine.schema.json). */
const MACHINE_KEYS = ['clockMhz', 'core', 'memory'] as const;

/** Keys every cost-model node file has (costmodels/model.ts). */
const COST_MODEL_KEYS = ['node', 'gates', 'leakage'] as const;

/**
 * Returns a one-sentence error for `file` when its top-level `keys` mark it as a machine description
 * although a cost model was expected: it has none of the cost-model keys and at least one machine key.
 * Returns undefined otherwise, so the loader reports its usual diagnostics.
 */
export function machineGivenAsCostModel(file: string, keys: readonly string[]): string | undefined {
  const found = otherKindKeys(keys, COST_MODEL_KEYS, MACHINE_KEYS);
  if (found === undefined) return undefined;
  return `${file} is a machine description (it has the top-level keys ${found}), not a cost model: give --node 45nm, 7nm or a cost-model YAML file; machine descriptions go to the --arch option of run, compare, check, model and accuracy`;
}

/** Returns a one-sentence error for `file` when its top-level `keys` mark it as a cost model although a machine description was expected. */
export function costModelGivenAsMachine(file: string, keys: readonly string[]): string | undefined {
  const found = otherKindKeys(keys, MACHINE_KEYS, COST_MODEL_KEYS);
  if (found === undefined) return undefined;
  return `${file} is a cost model (it has the top-level keys ${found}), not a machine description: give --arch a preset or a machine YAML file; cost models go to --node (or --cost)`;
}

/** Lists the `other` keys present, or returns undefined when any `expected` key is present or no `other` key is. */
function otherKindKeys(keys: readonly string[], expected: readonly string[], other: readonly string[]): string | undefined {
  if (expected.some((key) => keys.includes(key))) return undefined;
  const found = other.filter((key) => keys.includes(key));
  return found.length === 0 ? undefined : found.join(', ');
}
