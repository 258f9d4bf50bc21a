/** Input limits of the `.lasm` parser; each turns an input that could exhaust time, stack or memory into one diagnostic. */

/** Deepest nesting of parentheses and brackets, of consecutive signs in one line, and of loops in a file. */
export const MAX_NESTING = 64;
/** Maximum number of tokens in one line, which bounds the depth of expression trees built from operator chains. */
export const MAX_LINE_TOKENS = 4096;
/** Maximum line length, in UTF-16 code units. */
export const MAX_LINE_CHARS = 65_536;
/** Maximum source length, in UTF-16 code units (64 MiB of ASCII). */
export const MAX_SOURCE_CHARS = 64 * 1024 * 1024;
/**
 * Maximum number of slots that a lookup visits in the parser's hash tables of repeated lines and
 * line shapes. A line whose slot lies further is not reused, so lines crafted to collide cost a
 * bounded time each.
 */
export const MAX_TABLE_PROBES = 32;
