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
