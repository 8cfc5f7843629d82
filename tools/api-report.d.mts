/** The API report of the module `entry` (one door's source file), headed `title`. */
export declare function apiReport(entry: string, title: string): string;
/** The doors of the lib in `libDir` (its package.json `exports`), with their source files. */
export declare function doors(libDir: string): Array<{ name: string; entry: string }>;
/** The API report of the lib in `libDir`: one section per door. */
export declare function libApiReport(libDir: string): string;
/** Libraries, and where their report lives. */
export declare function libReports(): Array<{
  lib: string;
  dir: string;
  report: string;
  title: string;
}>;
