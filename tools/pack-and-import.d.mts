/** What `packAndImport` found: packed files, the consumer's stdout, tarball problems, installed packages. */
export interface PackAndImportResult {
  readonly name: string;
  readonly files: string[];
  readonly output: string;
  readonly problems: string[];
  readonly installed: string[];
  readonly installedKiB: number;
}
/** Packs a lib (and its workspace dependencies), installs the tarballs, compiles and runs `consumer`. */
export declare function packAndImport(libDir: string, consumer: string): PackAndImportResult;
/** Compiles `source` as a consumer in `app` (nodenext, strict, skipLibCheck false) and runs it. */
export declare function compileAndRun(app: string, source: string): string;
/** What a consumer of the tarball would trip over (README, LICENSE, unshipped targets or sources). */
export declare function tarballProblems(
  libDir: string,
  pkg: Record<string, unknown>,
  files: string[],
): string[];
