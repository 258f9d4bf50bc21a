/** Formats a count with its noun, such as "1 point" or "3 points"; `plural` defaults to `noun` plus "s". */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
