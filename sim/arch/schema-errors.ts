/**
 * Schema validation of machine descriptions with ajv, and translation of ajv's errors into
 * diagnostics with positions, plain messages and "did you mean" hints.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestMatch, type Diagnostic } from '../../common/diagnostic.js';
import schema from './machine.schema.json' with { type: 'json' };
import { formatKeyPath, type KeyPath, type YamlSource } from './yaml-source.js';

/**
 * The compiled schema validator, built on the first machine description: loading ajv and compiling
 * the schema take about 60 ms, which every command would otherwise pay at start-up.
 */
let compiled: ValidateFunction | undefined;

function machineValidator(): ValidateFunction {
  if (compiled === undefined) {
    const Ajv = (createRequire(import.meta.url)('ajv') as typeof import('ajv')).default;
    compiled = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true }).compile(schema);
  }
  return compiled;
}

/** The JSON Schema of machine descriptions, draft-07. */
export const MACHINE_SCHEMA: object = schema;

/** Validates plain data against the machine schema and returns one diagnostic per problem. */
export function schemaDiagnostics(data: unknown, source: YamlSource): Diagnostic[] {
  const validate = machineValidator();
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((error) => !isBranchError(error));
  const diagnostics = errors.map((error) => toDiagnostic(error, source));
  return dedupe(diagnostics);
}

/** Errors inside a oneOf/anyOf branch are summarised by the oneOf/anyOf error itself. */
function isBranchError(error: ErrorObject): boolean {
  return /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath);
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function inWhere(path: KeyPath): string {
  return path.length === 0 ? 'at the top level' : `in ${formatKeyPath(path)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? `'${value}'` : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  'integer,string': 'an integer number of bytes or a size such as "24 MiB"',
};

function toDiagnostic(error: ErrorObject, source: YamlSource): Diagnostic {
  const path = pathOf(error.instancePath);
  const where = formatKeyPath(path);
  const value = describeValue(error.data);
  const valueSpan = source.spanOf(path, 'value');
  const keySpan = source.spanOf(path, 'key');
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {}).filter((name) => name !== '$schema');
      const suggestion = closestMatch(key, allowed);
      return {
        severity: 'error',
        message: `unknown key '${key}' ${inWhere(path)}`,
        span: source.spanOf([...path, key], 'key'),
        hint: suggestion ? `did you mean '${suggestion}'?` : `expected one of: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { severity: 'error', message: `missing required key '${String(params.missingProperty)}' ${inWhere(path)}`, span: keySpan };
    case 'type': {
      const expected = TYPE_NAMES[String(params.type)] ?? String(params.type);
      return { severity: 'error', message: `${where} must be ${expected}, got ${value}`, span: valueSpan };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === 'string' ? closestMatch(error.data, allowed) : undefined;
      return {
        severity: 'error',
        message: `invalid value ${value} for ${where}: expected one of ${allowed.join(', ')}`,
        span: valueSpan,
        hint: suggestion ? `did you mean '${suggestion}'?` : undefined,
      };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
      return { severity: 'error', message: `${where} must be ${String(params.comparison)} ${String(params.limit)}, got ${value}`, span: valueSpan };
    case 'multipleOf':
      return { severity: 'error', message: `${where} must be a multiple of ${String(params.multipleOf)}, got ${value}`, span: valueSpan };
    case 'pattern':
      return {
        severity: 'error',
        message: `invalid size ${value} for ${where}`,
        span: valueSpan,
        hint: 'write an integer number of bytes, or a number with a unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), for example "24 MiB"',
      };
    case 'minItems':
      return { severity: 'error', message: `${where} must list at least ${String(params.limit)} item(s)`, span: valueSpan };
    case 'uniqueItems':
      return { severity: 'error', message: `${where} lists the same item twice (items ${String(params.j)} and ${String(params.i)})`, span: valueSpan };
    case 'minLength':
      return { severity: 'error', message: `${where} must not be empty`, span: valueSpan };
    case 'oneOf':
    case 'anyOf':
      return alternativesDiagnostic(error, path, keySpan);
    default:
      return { severity: 'error', message: `${where}: ${error.message ?? 'invalid value'}`, span: valueSpan };
  }
}

/** Turns `oneOf`/`anyOf` of single-key `required` branches into "needs X or Y" / "set only one of X, Y". */
function alternativesDiagnostic(error: ErrorObject, path: KeyPath, span: Diagnostic['span']): Diagnostic {
  const branches = (error.schema as Array<{ required?: string[] }>).map((branch) => branch.required?.[0] ?? '?');
  const where = formatKeyPath(path);
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (error.keyword === 'oneOf' && Array.isArray(passing) && passing.length > 1) {
    return { severity: 'error', message: `${where} sets both ${branches.join(' and ')}; keep only one`, span };
  }
  return { severity: 'error', message: `${where} needs ${branches.join(' or ')}`, span };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const key = `${diagnostic.span?.line}:${diagnostic.span?.column}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  return out;
}
