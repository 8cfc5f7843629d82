/** Exported names of the module `entry` whose declarations have no documentation comment, sorted. */
export declare function undocumentedExports(entry: string): string[];
/** Undocumented exports of every door of the lib in `libDir`, as `door: name`. */
export declare function undocumentedInDoors(libDir: string): string[];
