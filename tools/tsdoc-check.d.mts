/** Exported names of the module `entry` whose declarations have no documentation comment, sorted. */
export declare function undocumentedExports(entry: string): string[];
