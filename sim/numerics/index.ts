/** Bit-exact number formats, multiplication methods and multiply-accumulate kernels. */
export { NAMED_FORMATS, parseFormat, tryParseFormat, FP32, FP16, BF16, E4M3, E5M2, E4M3FNUZ, E5M2FNUZ } from './formats.js';
export type { FloatFormat, NanStyle } from './formats.js';
export { decode, encode, roundToFormat, formatBits, classify } from './codec.js';
export {
  METHOD_NAMES,
  parseMethod,
  defaultOffsetLsbs,
  lmulOffsetExponent,
  lmulConstant,
  multiply,
  makeMultiplier,
} from './methods.js';
export type { MethodName, MulOptions } from './methods.js';
export { productValue, makeProductTable, makeProductFunction, accumulate } from './mac.js';
export { dot, gemm } from './kernels.js';
export type { DotOptions } from './kernels.js';
export { makeDotKernel } from './dot-kernels.js';
export type { DotKernel } from './dot-kernels.js';
