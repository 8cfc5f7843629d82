/** A running test server. */
export interface TestServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}
export declare const S3RVER_CREDENTIALS: { accessKeyId: string; secretAccessKey: string };
export declare function startS3rver(options?: {
  buckets?: string[];
}): Promise<TestServer & { credentials: typeof S3RVER_CREDENTIALS; directory: string }>;
export declare function freePort(): Promise<number>;
export declare function hasEtcd(): boolean;
export declare function startEtcd(): Promise<TestServer & { hostPort: string }>;
export declare function startPushgateway(): Promise<TestServer>;

/** A published version of the simulator. */
export interface SimCrate {
  name: string;
  version: string;
  cksum: string;
  bytes: Buffer;
}
/** A fault injected into the download of one version. */
export type SimFault =
  | { kind: 'status'; status: number; retryAfter?: number; times?: number }
  | { kind: 'reset' | 'truncate' | 'wrong' | 'stall'; times?: number }
  /** Prompt headers, then one byte every `everyMs` (default 200 ms). */
  | { kind: 'trickle'; everyMs?: number; times?: number };
/** The local registry simulator. */
export interface RegistrySimulator {
  readonly root: string;
  readonly indexPath: string;
  readonly indexUrl: string;
  readonly dlBase: string;
  readonly names: string[];
  readonly published: Map<string, SimCrate & { deps: string[]; devDeps: string[] }>;
  readonly downloads: Array<{ id: string; userAgent: string | undefined }>;
  publish(
    name: string,
    version: string,
    options?: {
      yanked?: boolean;
      deps?: string[];
      devDeps?: string[];
      commit?: boolean;
      salt?: string;
      bytes?: Buffer;
    },
  ): Promise<SimCrate>;
  yank(name: string, version: string, options?: { commit?: boolean }): void;
  commit(message?: string): string;
  fault(id: string, fault: SimFault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}
export declare function startRegistrySimulator(options?: {
  crates?: number;
  versionsPerCrate?: number;
  seed?: number;
}): Promise<RegistrySimulator>;
export declare function buildCrate(
  name: string,
  version: string,
  options?: { deps?: string[]; devDeps?: string[]; salt?: string },
): Promise<Buffer>;
export declare function startGitServer(root: string): Promise<TestServer>;

/** A running verdaccio: an npm registry on loopback. */
export interface Verdaccio {
  readonly url: string;
  readonly token: string;
  /** Writes an `.npmrc` in `dir` that uses this registry alone, with the publish token. */
  npmrc(dir: string): void;
  stop(): Promise<void>;
}
export declare function startVerdaccio(): Promise<Verdaccio>;
/** The environment without npm's own `npm_*` variables (a test under `npm test` inherits them). */
export declare function cleanNpmEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
/** stderr with every JSON log line replaced by its `msg`. */
export declare function messagesOf(stderr: string): string;
