/** The fetcher's version (its package.json's; a test keeps them equal), for `--version` and the User-Agent. */
export const VERSION = '0.1.0';
