import type { UserConfig } from 'vitest/config';
/** Vitest config for the project in `dir` (pass `import.meta.dirname`). */
export declare function vitestProject(dir: string): UserConfig;
