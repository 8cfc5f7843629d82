/** Choosing a metadata backend from a URL: a path (file) or `etcd://host:port[,host:port]/prefix`. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreUrlError } from '../errors.js';
import { EtcdMetadataStore } from './etcd-metadata-store.js';
import { FileMetadataStore } from './file-metadata-store.js';
import type { MetadataStore } from './metadata-store.js';

/** The embedded default: a directory under the working directory. */
export const DEFAULT_METADATA_URL = './.lcs/metadata';

/** What a metadata URL means, without connecting. */
export type MetadataLocation =
  | { readonly kind: 'file'; readonly dir: string }
  | {
      readonly kind: 'etcd';
      readonly hosts: readonly string[];
      readonly prefix: string;
      readonly auth?: { username: string; password: string };
    };

const HOST = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Parses a metadata URL. `etcd://` uses plain HTTP/2 to etcd, `etcds://` TLS; userinfo
 * (`etcd://user:pass@host:2379/lcs`) gives etcd credentials; the path is the key prefix
 * (default `/lcs/`). Throws `StoreUrlError` (`METADATA_URL_INVALID`) naming the URL otherwise.
 */
export function parseMetadataUrl(url: string, cwd = process.cwd()): MetadataLocation {
  const fail = (reason: string): never => {
    throw new StoreUrlError('METADATA_URL_INVALID', url, reason);
  };
  if (url.trim() === '') fail('empty');
  const scheme = /^(etcds?):\/\//.exec(url)?.[1];
  if (scheme) {
    let rest = url.slice(scheme.length + 3);
    let auth: { username: string; password: string } | undefined;
    const at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? undefined : rest.indexOf('/'));
    if (at >= 0) {
      const [username = '', password = ''] = rest.slice(0, at).split(':').map(decodeURIComponent);
      auth = { username, password };
      rest = rest.slice(at + 1);
    }
    const slash = rest.indexOf('/');
    const hostList = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash);
    const hosts = hostList.split(',').map((host) => {
      const match = HOST.exec(host);
      if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535)
        fail(`${JSON.stringify(host)} is not host:port`);
      return `${scheme === 'etcds' ? 'https' : 'http'}://${host}`;
    });
    const segments = path.split('/').filter(Boolean);
    if (segments.some((s) => s === '.' || s === '..'))
      fail('the prefix may not contain "." or ".." segments');
    const prefix = segments.length ? `/${segments.join('/')}/` : '/lcs/';
    return { kind: 'etcd', hosts, prefix, ...(auth ? { auth } : {}) };
  }
  if (url.startsWith('file:')) {
    try {
      return { kind: 'file', dir: fileURLToPath(url) };
    } catch (error) {
      throw new StoreUrlError('METADATA_URL_INVALID', url, 'not a valid file: URL', {
        cause: error,
      });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    fail('supported metadata stores are a path, file:// and etcd://host:port[,host:port]/prefix');
  return { kind: 'file', dir: resolve(cwd, url) };
}

/** Opens the metadata store a URL names (see {@link parseMetadataUrl}); etcd connects lazily. */
export function openMetadataStore(
  url: string = DEFAULT_METADATA_URL,
  options: { readonly cwd?: string } = {},
): MetadataStore {
  const location = parseMetadataUrl(url, options.cwd);
  return location.kind === 'file'
    ? new FileMetadataStore(location.dir)
    : new EtcdMetadataStore(location);
}
