import { ManifestError } from './errors.js';

/** The library target. */
export interface LibTarget {
  /** Crate name in code: `[lib] name`, or the package name with `-` turned into `_`. */
  readonly name: string;
  readonly path: string;
  /** `crate-type`, or `["proc-macro"]` / `["lib"]` by default. */
  readonly crateTypes: string[];
  readonly procMacro: boolean;
}

/** A binary target. */
export interface BinTarget {
  readonly name: string;
  readonly path: string;
}

/** The library and binaries of a package, explicit or discovered as cargo discovers them. */
export interface ManifestTargets {
  readonly lib?: LibTarget;
  readonly bins: BinTarget[];
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function flag(t: Table, dash: string, underscore: string): unknown {
  return t[dash] ?? t[underscore];
}

/**
 * The lib and bin targets of a package: the explicit `[lib]` and `[[bin]]` tables, plus the ones
 * cargo infers from the files (`src/lib.rs`, `src/main.rs`, `src/bin/*.rs`, `src/bin/* /main.rs`),
 * following cargo/src/cargo/util/toml/targets.rs: in edition 2015 explicit `[[bin]]` tables turn
 * inference of more bins off; later editions infer unless `autobins = false`.
 * @param files paths relative to the crate root, as listed by `readCrateArchive`.
 * @throws {ManifestError} for a `[lib]` or `[[bin]]` cargo would reject.
 */
export function manifestTargets(
  raw: Table,
  pkgName: string,
  edition: string,
  files: readonly string[],
): ManifestTargets {
  const pkg = (
    isTable(raw['package']) ? raw['package'] : isTable(raw['project']) ? raw['project'] : {}
  ) as Table;
  const has = new Set(files);
  let lib: LibTarget | undefined;
  const libTable = raw['lib'];
  if (libTable !== undefined && !isTable(libTable))
    throw new ManifestError('MANIFEST_INVALID', 'lib', '[lib] must be a table');
  const autolib = pkg['autolib'] !== false;
  if (libTable !== undefined || (autolib && has.has('src/lib.rs'))) {
    const t = (libTable ?? {}) as Table;
    const procMacro = flag(t, 'proc-macro', 'proc_macro') === true;
    const types = flag(t, 'crate-type', 'crate_type');
    if (
      types !== undefined &&
      (!Array.isArray(types) || !types.every((x) => typeof x === 'string'))
    ) {
      throw new ManifestError(
        'MANIFEST_INVALID',
        'lib.crate-type',
        '[lib] crate-type must be an array of strings',
      );
    }
    lib = {
      name: typeof t['name'] === 'string' ? t['name'] : pkgName.replaceAll('-', '_'),
      path: typeof t['path'] === 'string' ? t['path'] : 'src/lib.rs',
      crateTypes: (types as string[] | undefined) ?? [procMacro ? 'proc-macro' : 'lib'],
      procMacro,
    };
  }

  const inferred: BinTarget[] = [];
  if (has.has('src/main.rs')) inferred.push({ name: pkgName, path: 'src/main.rs' });
  for (const file of files) {
    const single = /^src\/bin\/([^/]+)\.rs$/.exec(file);
    const nested = /^src\/bin\/([^/]+)\/main\.rs$/.exec(file);
    if (single?.[1]) inferred.push({ name: single[1], path: file });
    else if (nested?.[1]) inferred.push({ name: nested[1], path: file });
  }
  const binTables = raw['bin'];
  if (binTables === undefined) {
    return { ...(lib ? { lib } : {}), bins: pkg['autobins'] === false ? [] : inferred };
  }
  if (!Array.isArray(binTables) || !binTables.every(isTable)) {
    throw new ManifestError('MANIFEST_INVALID', 'bin', '[[bin]] must be an array of tables');
  }
  const bins: BinTarget[] = binTables.map((t, i) => {
    const name = t['name'];
    if (typeof name !== 'string' || name === '')
      throw new ManifestError('MANIFEST_INVALID', `bin.${i}`, `[[bin]] #${i + 1} has no name`);
    const path =
      typeof t['path'] === 'string'
        ? t['path']
        : ([
            `src/bin/${name}.rs`,
            `src/bin/${name}/main.rs`,
            ...(name === pkgName ? ['src/main.rs'] : []),
          ].find((p) => has.has(p)) ?? `src/bin/${name}.rs`);
    return { name, path };
  });
  const autobins = typeof pkg['autobins'] === 'boolean' ? pkg['autobins'] : edition !== '2015';
  if (autobins) {
    const names = new Set(bins.map((b) => b.name));
    const paths = new Set(bins.map((b) => b.path));
    bins.push(...inferred.filter((b) => !names.has(b.name) && !paths.has(b.path)));
  }
  return { ...(lib ? { lib } : {}), bins };
}
