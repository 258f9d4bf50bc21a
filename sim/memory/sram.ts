/**
 * On-chip SRAM bank timing. Addresses interleave across banks one word at a time (word w is in bank
 * w mod banks); each bank serves `portsPerBank` word accesses per cycle. A block access therefore
 * takes as many cycles as the busiest bank needs. A partly covered word costs a whole access, and
 * read-modify-write of partial words is not modelled.
 */
import type { Block2d } from './block.js';
import { contiguousRuns } from './block.js';

/** The SRAM parameters the timing depends on (a subset of SramConfig). */
export interface BankedSram {
  readonly banks: number;
  readonly portsPerBank: number;
  readonly wordBits: number;
}

export interface SramAccessTiming {
  /** Cycles for all word accesses: max over banks of ceil(words in bank / portsPerBank). */
  readonly cycles: number;
  /** Word accesses, counting each distinct word once. */
  readonly wordAccesses: number;
  /** Cycles the access would take with the words spread evenly: ceil(words / (banks × ports)). */
  readonly conflictFreeCycles: number;
  /** Extra cycles caused by bank conflicts: cycles − conflictFreeCycles. */
  readonly conflictCycles: number;
}

/** Computes the cycles to read or write a 2-D block in a banked SRAM. */
export function sramAccessTiming(sram: BankedSram, block: Block2d): SramAccessTiming {
  if (!Number.isSafeInteger(sram.banks) || sram.banks < 1) throw new RangeError(`banks must be a positive integer, got ${sram.banks}`);
  if (!Number.isSafeInteger(sram.portsPerBank) || sram.portsPerBank < 1) throw new RangeError(`portsPerBank must be a positive integer, got ${sram.portsPerBank}`);
  if (!Number.isSafeInteger(sram.wordBits) || sram.wordBits < 8 || sram.wordBits % 8 !== 0) throw new RangeError(`wordBits must be a positive multiple of 8, got ${sram.wordBits}`);

  const wordBytes = sram.wordBits / 8;
  const perBank = new Float64Array(sram.banks);
  let wordAccesses = 0;
  let lastWord = -1;

  for (const [start, length] of contiguousRuns(block)) {
    let firstWord = Math.floor(start / wordBytes);
    const endWord = Math.floor((start + length - 1) / wordBytes);
    // Consecutive rows may share a boundary word; the SRAM reads or writes it once.
    if (firstWord === lastWord) firstWord++;
    if (firstWord > endWord) continue;
    addWordRange(perBank, firstWord, endWord);
    wordAccesses += endWord - firstWord + 1;
    lastWord = endWord;
  }

  let busiest = 0;
  for (const words of perBank) busiest = Math.max(busiest, words);
  const cycles = Math.ceil(busiest / sram.portsPerBank);
  const conflictFreeCycles = Math.ceil(wordAccesses / (sram.banks * sram.portsPerBank));
  return { cycles, wordAccesses, conflictFreeCycles, conflictCycles: cycles - conflictFreeCycles };
}

/** Adds one access to every bank holding a word in [firstWord, lastWord], in O(banks). */
function addWordRange(perBank: Float64Array, firstWord: number, lastWord: number): void {
  const banks = perBank.length;
  const count = lastWord - firstWord + 1;
  const fullRounds = Math.floor(count / banks);
  const remainder = count - fullRounds * banks;
  const firstBank = firstWord % banks;
  for (let bank = 0; bank < banks; bank++) {
    const offset = (bank - firstBank + banks) % banks;
    perBank[bank] += fullRounds + (offset < remainder ? 1 : 0);
  }
}
