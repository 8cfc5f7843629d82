/** Where the Debian crate corpus is kept, relative to the workspace root. */
export declare const CORPUS_DIR: string;
/** Installs what the tests need where it can; returns the problems left (empty: ready). */
export declare function ensureTestPrerequisites(
  root: string,
  options?: { env?: NodeJS.ProcessEnv; install?: boolean },
): string[];
