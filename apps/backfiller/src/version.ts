/** The backfiller's version (its package.json's; a test keeps them equal), for `--version`. */
export const VERSION = '0.1.0';
