/** `{ major: version }` of the extra runtimes of tools/runtimes.json. */
export declare function extraRuntimes(): Record<string, string>;
/** The directory holding `node` for `version`, installing it first when needed. */
export declare function runtimeBinDir(major: string, version: string): string;
