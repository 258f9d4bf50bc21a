/**
 * Public entry points of the `.lasm` toolchain: parse, validate, check files, format, and evaluate
 * run-time expressions.
 */
export * from './ast.js';
export { parseSource, MAX_NESTING } from './parse.js';
export { validate } from './validate.js';
export { checkFiles, loadProgram, type CheckResult } from './files.js';
export { printProgram } from './printer.js';
export { evaluate, compileExpr, type CompiledExpr } from './expr.js';
export { capDiagnostics, MAX_DIAGNOSTICS } from './diagnostics.js';
