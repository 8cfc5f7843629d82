import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreUrlError } from './errors.js';
import { parseStoreUrl } from './open-crate-store.js';
import { parseMetadataUrl } from './metadata/open-metadata-store.js';

function refusal(fn: () => unknown): StoreUrlError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StoreUrlError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseStoreUrl', () => {
  it('reads paths, file: URLs and s3 URLs', () => {
    expect(parseStoreUrl('./.lcs/store', '/srv')).toEqual({ kind: 'fs', root: '/srv/.lcs/store' });
    expect(parseStoreUrl('file:///var/lib/lcs')).toEqual({ kind: 'fs', root: '/var/lib/lcs' });
    expect(parseStoreUrl('s3://crates')).toEqual({ kind: 's3', bucket: 'crates', prefix: '' });
    expect(parseStoreUrl('s3://crates/mirror/v1/')).toEqual({
      kind: 's3',
      bucket: 'crates',
      prefix: 'mirror/v1/',
    });
    expect(parseStoreUrl('relative')).toEqual({ kind: 'fs', root: resolve('relative') });
  });

  it.each([
    '',
    's3://',
    's3://Upper',
    's3://a',
    's3://bucket/../x',
    'gs://bucket',
    'http://host/x',
  ])('refuses %j naming the URL', (url) => {
    const error = refusal(() => parseStoreUrl(url));
    expect(error.code).toBe('STORE_URL_INVALID');
    expect(error.input).toBe(url);
    expect(error.message).toContain(JSON.stringify(url));
  });
});

describe('parseMetadataUrl', () => {
  it('reads paths and etcd URLs with several hosts, credentials and a prefix', () => {
    expect(parseMetadataUrl('./.lcs/metadata', '/srv')).toEqual({
      kind: 'file',
      dir: '/srv/.lcs/metadata',
    });
    expect(parseMetadataUrl('etcd://127.0.0.1:2379')).toEqual({
      kind: 'etcd',
      hosts: ['http://127.0.0.1:2379'],
      prefix: '/lcs/',
    });
    expect(parseMetadataUrl('etcds://u:p%40ss@e1:2379,e2:2379/lcs/prod')).toEqual({
      kind: 'etcd',
      hosts: ['https://e1:2379', 'https://e2:2379'],
      prefix: '/lcs/prod/',
      auth: { username: 'u', password: 'p@ss' },
    });
  });

  it.each(['', 'etcd://', 'etcd://host', 'etcd://host:99999/x', 'etcd://h:1/../x', 'redis://h:1'])(
    'refuses %j naming the URL',
    (url) => {
      const error = refusal(() => parseMetadataUrl(url));
      expect(error.code).toBe('METADATA_URL_INVALID');
      expect(error.input).toBe(url);
    },
  );
});
