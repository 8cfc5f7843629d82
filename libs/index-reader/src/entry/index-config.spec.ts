import { describe, expect, it } from 'vitest';
import { IndexConfigError } from '../errors.js';
import { downloadUrl, parseIndexConfig } from './index-config.js';

const cksum = 'f'.repeat(64);

describe('downloadUrl', () => {
  it('appends /{crate}/{version}/download when dl has no marker (crates.io)', () => {
    expect(
      downloadUrl({ dl: 'https://crates.io/api/v1/crates' }, { name: 'Inflector', vers: '0.11.4' }),
    ).toBe('https://crates.io/api/v1/crates/Inflector/0.11.4/download');
  });

  it('substitutes every marker, keeping the name case except in {lowerprefix}', () => {
    const dl =
      'https://static.example/{prefix}/{lowerprefix}/{crate}/{crate}-{version}.crate?sum={sha256-checksum}';
    expect(downloadUrl({ dl }, { name: 'Inflector', vers: '0.11.4', cksum })).toBe(
      `https://static.example/In/fl/in/fl/Inflector/Inflector-0.11.4.crate?sum=${cksum}`,
    );
    expect(downloadUrl({ dl: 'https://x/{prefix}/{crate}' }, { name: 'Abc', vers: '1.0.0' })).toBe(
      'https://x/3/A/Abc',
    );
    expect(
      downloadUrl({ dl: 'https://x/{lowerprefix}/{crate}' }, { name: 'Abc', vers: '1.0.0' }),
    ).toBe('https://x/3/a/Abc');
    expect(downloadUrl({ dl: 'https://x/{prefix}/{crate}' }, { name: 'ab', vers: '1.0.0' })).toBe(
      'https://x/2/ab',
    );
  });

  it('lets a mirror override dl', () => {
    expect(
      downloadUrl(
        { dl: 'https://crates.io/api/v1/crates' },
        { name: 'serde', vers: '1.0.0' },
        { dl: 'http://mirror/crates/{crate}/{crate}-{version}.crate' },
      ),
    ).toBe('http://mirror/crates/serde/serde-1.0.0.crate');
  });

  it('refuses {sha256-checksum} without a checksum', () => {
    expect(() =>
      downloadUrl({ dl: 'https://x/{sha256-checksum}' }, { name: 'a', vers: '1.0.0' }),
    ).toThrow(IndexConfigError);
  });
});

describe('parseIndexConfig', () => {
  it('parses config.json and keeps unknown keys', () => {
    expect(
      parseIndexConfig('{"dl":"https://x","api":"https://y","auth-required":false,"extra":1}'),
    ).toEqual({
      dl: 'https://x',
      api: 'https://y',
      'auth-required': false,
      extra: 1,
    });
  });

  it.each([
    ['{', 'not JSON'],
    ['{"api":"https://y"}', 'dl:'],
  ])('refuses %j', (text, reason) => {
    try {
      parseIndexConfig(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(IndexConfigError);
      expect((error as IndexConfigError).code).toBe('INDEX_CONFIG_INVALID');
      expect((error as Error).message).toContain(reason);
    }
  });
});
