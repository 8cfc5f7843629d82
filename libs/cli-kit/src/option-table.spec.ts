import { describe, expect, it } from 'vitest';
import { flagDeclarations, optionHelp, resolveOptions, type OptionSpec } from './option-table.js';

const TABLE: Record<string, OptionSpec> = {
  store: { flag: 'store', env: 'LCS_STORE', default: './.lcs/store', help: 'the store' },
  full: { flag: 'full', env: 'LCS_FULL', boolean: true, help: 'full scan' },
  secret: { env: 'LCS_SECRET', help: 'env only' },
};

describe('resolveOptions', () => {
  it('takes the flag, then the variable (empty counts as unset), then the default, and says where from', () => {
    expect(
      resolveOptions(
        TABLE,
        ['store', 'full', 'secret'],
        { store: '/flag' },
        { LCS_STORE: '/env', LCS_SECRET: '' },
      ),
    ).toEqual({
      raw: { store: '/flag', full: false },
      origin: { store: '--store', full: 'default of LCS_FULL', secret: 'default of LCS_SECRET' },
    });
    expect(
      resolveOptions(TABLE, ['store', 'secret'], {}, { LCS_STORE: '/env', LCS_SECRET: 's' }),
    ).toEqual({
      raw: { store: '/env', secret: 's' },
      origin: { store: 'LCS_STORE', secret: 'LCS_SECRET' },
    });
  });

  it('declares flags by type and prints help with variables and defaults', () => {
    expect(flagDeclarations(TABLE)).toEqual({
      store: { type: 'string' },
      full: { type: 'boolean' },
    });
    expect(optionHelp(TABLE, ['store', 'secret'], 10).split('\n')).toEqual([
      '  --store <v> the store [LCS_STORE] (default ./.lcs/store)',
      '  (env only) env only [LCS_SECRET]',
    ]);
  });
});
