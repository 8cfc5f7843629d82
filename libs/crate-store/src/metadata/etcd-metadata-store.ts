/**
 * Metadata and the single-runner lock in etcd (production). The lock is a key attached to a lease:
 * created only if absent (`create_revision == 0`), renewed by the client's keep-alive, gone when
 * the lease expires. Writes made under the lock are transactions conditioned on the lock key still
 * carrying this lease, so a holder that lost its lease cannot overwrite its successor's state
 * (the fencing described in https://etcd.io/docs/v3.5/learning/why/#using-etcd-for-distributed-coordination).
 */
import type { DeleteBuilder, Etcd3, Lease, Namespace, PutBuilder } from 'etcd3';
import { etcdSdk } from '../io/lazy-sdk.js';
import { CrateStoreError, LockHeldError, LockLostError, MetadataError } from '../errors.js';
import {
  assertMetadataKey,
  assertMetadataValue,
  type MetadataStore,
  type MetadataWriteOptions,
} from './metadata-store.js';
import { defaultOwner, LeaseTracker, type LockOptions, type RunnerLock } from './runner-lock.js';

/** Options of {@link EtcdMetadataStore}. */
export interface EtcdMetadataStoreOptions {
  /** `http://host:port` endpoints. */
  readonly hosts: readonly string[];
  /** Key prefix, e.g. `/lcs/` (every key of this store lives under it). */
  readonly prefix: string;
  readonly auth?: { readonly username: string; readonly password: string };
  /** Per-call deadline in ms (default 10 s). */
  readonly timeoutMs?: number;
}

/** Metadata in etcd v3. */
export class EtcdMetadataStore implements MetadataStore {
  readonly location: string;
  readonly #client: Etcd3;
  readonly #ns: Namespace;
  readonly #locks = new Map<string, EtcdLock>();

  constructor(options: EtcdMetadataStoreOptions) {
    const { Etcd3 } = etcdSdk();
    this.#client = new Etcd3({
      hosts: [...options.hosts],
      ...(options.auth ? { auth: options.auth } : {}),
      defaultCallOptions: () => ({ deadline: Date.now() + (options.timeoutMs ?? 10_000) }),
    });
    this.#ns = this.#client.namespace(options.prefix);
    this.location = `etcd://${options.hosts.map((h) => h.replace(/^https?:\/\//, '')).join(',')}${options.prefix}`;
  }

  async #call<T>(key: string, operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if (error instanceof CrateStoreError) throw error;
      throw new MetadataError(
        'METADATA_FAILED',
        key,
        `etcd at ${this.location}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#call(key, this.#ns.get(`keys/${assertMetadataKey(key)}`).string());
    return value ?? undefined;
  }

  async put(key: string, value: string, options: MetadataWriteOptions = {}): Promise<void> {
    assertMetadataKey(key);
    assertMetadataValue(key, value);
    await this.#write(key, options, this.#ns.put(`keys/${key}`).value(value));
  }

  async delete(key: string, options: MetadataWriteOptions = {}): Promise<void> {
    assertMetadataKey(key);
    await this.#write(key, options, this.#ns.delete().key(`keys/${key}`));
  }

  async #write(
    key: string,
    options: MetadataWriteOptions,
    operation: PutBuilder | DeleteBuilder,
  ): Promise<void> {
    const lock = options.lock;
    if (!lock) {
      await this.#call(key, operation.exec() as Promise<unknown>);
      return;
    }
    lock.assertHeld();
    const held = this.#locks.get(lock.name);
    if (held !== lock) throw new LockLostError(lock.name, 'not a lock of this store');
    const result = await this.#call(
      key,
      this.#ns.if(held.key, 'Lease', '==', held.leaseId).then(operation).commit(),
    );
    if (!result.succeeded) {
      held.lose('the lock key no longer carries this lease');
      lock.assertHeld();
    }
  }

  async lockHolder(name: string): Promise<string | undefined> {
    // The lock key lives on a lease: once the holder stops renewing it, etcd deletes it.
    const key = `locks/${assertMetadataKey(name)}`;
    return (await this.#call(name, this.#ns.get(key).string())) ?? undefined;
  }

  async acquireLock(options: LockOptions = {}): Promise<RunnerLock> {
    const name = assertMetadataKey(options.name ?? 'fetcher');
    const ttlSeconds = options.ttlSeconds ?? 30;
    const owner = options.owner ?? defaultOwner();
    const key = `locks/${name}`;
    const lease = this.#ns.lease(ttlSeconds);
    try {
      const leaseId = await this.#call(name, lease.grant());
      const result = await this.#call(
        name,
        this.#ns
          .if(key, 'Create', '==', 0)
          .then(this.#ns.put(key).value(owner).lease(leaseId))
          .commit(),
      );
      if (!result.succeeded) {
        const holder = await this.#ns
          .get(key)
          .string()
          .catch(() => null);
        throw new LockHeldError(name, holder ?? undefined);
      }
      const lock = new EtcdLock(name, owner, key, leaseId, lease, ttlSeconds * 1000, () => {
        this.#locks.delete(name);
      });
      this.#locks.set(name, lock);
      return lock;
    } catch (error) {
      await lease.revoke().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const lock of this.#locks.values()) await lock.release();
    this.#client.close();
  }
}

class EtcdLock implements RunnerLock {
  readonly #tracker: LeaseTracker;
  #released = false;

  constructor(
    readonly name: string,
    readonly owner: string,
    readonly key: string,
    readonly leaseId: string,
    readonly lease: Lease,
    ttlMs: number,
    readonly onRelease: () => void,
  ) {
    this.#tracker = new LeaseTracker(name, ttlMs);
    lease.on('keepaliveSucceeded', () => this.#tracker.renewed());
    lease.on('lost', (error) => this.lose(`lease lost: ${error.message}`, error));
  }

  get signal(): AbortSignal {
    return this.#tracker.signal;
  }

  lose(reason: string, cause?: unknown): void {
    this.#tracker.lose(reason, cause);
    this.#tracker.stop();
  }

  assertHeld(): void {
    if (this.#released) this.#tracker.lose('released');
    this.#tracker.assertHeld();
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#tracker.stop();
    this.onRelease();
    // Revoking the lease deletes the lock key at once instead of after the TTL.
    await this.lease.revoke().catch(() => undefined);
  }
}
