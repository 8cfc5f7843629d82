/**
 * Counts for people: `1234567` as `1,234,567`, as `toLocaleString('en-US')` writes integers.
 * Written out because the first `toLocaleString` of a process loads ICU's number formatting, about
 * 11 ms: more than a whole incremental `lcs-fetcher sync` spends on its summary otherwise.
 */

/** An integer with a comma every three digits (`-1234` as `-1,234`); other numbers as `String` does. */
export function formatCount(value: number): string {
  if (!Number.isSafeInteger(value)) return String(value);
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
  return value < 0 ? `-${digits}` : digits;
}
