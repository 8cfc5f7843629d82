import type { IncomingMessage, ServerResponse } from 'node:http';
/** Answers one git smart-HTTP request for the repositories under `root`; `path` is the part after the mount point. */
export declare function serveGit(
  root: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void;
