import { describe, expect, it } from 'vitest';
import { formatCount } from './count-format.js';

describe('formatCount', () => {
  it('writes integers as toLocaleString("en-US") does', () => {
    const samples = [
      0, 7, 999, 1000, 12_345, 184_437, 2_004_599, 1_000_000_000, -1, -1234, -999_999,
    ];
    for (let i = 1; i < 2 ** 52; i *= 7) samples.push(i, i + 1, -i);
    for (const value of samples) expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
  });

  it('leaves what is not a safe integer to String', () => {
    expect(formatCount(1.5)).toBe('1.5');
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatCount(2 ** 60)).toBe(String(2 ** 60));
  });
});
