/** The API report of the module `entry` (a lib's `src/index.ts`), headed `title`. */
export declare function apiReport(entry: string, title: string): string;
/** Libraries with a door, and where their report lives. */
export declare function libReports(): Array<{
  lib: string;
  entry: string;
  report: string;
  title: string;
}>;
