import { ManifestError } from './errors.js';
import { isTable, stringArray, type Table } from './toml-table.js';

/** The library target. */
export interface LibTarget {
  /** Crate name in code: `[lib] name`, or the package name with `-` turned into `_`. */
  readonly name: string;
  readonly path: string;
  /** `crate-type`, or `["proc-macro"]` / `["lib"]` by default. */
  readonly crateTypes: string[];
  readonly procMacro: boolean;
}

/** A binary, example, test or bench target. */
export interface BinTarget {
  readonly name: string;
  readonly path: string;
}

/** The targets of a package, explicit or discovered as cargo discovers them. */
export interface ManifestTargets {
  readonly lib?: LibTarget;
  readonly bins: BinTarget[];
  readonly examples: BinTarget[];
  readonly tests: BinTarget[];
  readonly benches: BinTarget[];
}

/** Per kind: the manifest table, the directory searched, and the `auto*` flag. */
const KINDS = {
  bins: { table: 'bin', dir: 'src/bin', auto: 'autobins' },
  examples: { table: 'example', dir: 'examples', auto: 'autoexamples' },
  tests: { table: 'test', dir: 'tests', auto: 'autotests' },
  benches: { table: 'bench', dir: 'benches', auto: 'autobenches' },
} as const;

/** A target path as cargo uses it: `.` components dropped, `..` applied (cargo's `normalize_path`). */
export function normalizeTargetPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function flag(t: Table, dash: string, underscore: string): unknown {
  return t[dash] ?? t[underscore];
}

/**
 * The targets of a package: the explicit `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]` and
 * `[[bench]]` tables, plus the ones cargo infers from the files (`src/lib.rs`, `src/main.rs`,
 * `src/bin/`, `examples/`, `tests/`, `benches/`: `*.rs` files and `* /main.rs` directories),
 * following cargo/src/cargo/util/toml/targets.rs: in edition 2015 explicit tables of a kind turn
 * inference of that kind off; later editions infer unless `autobins` (etc.) is `false`.
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
    const types = stringArray(flag(t, 'crate-type', 'crate_type'), 'lib.crate-type');
    lib = {
      name: typeof t['name'] === 'string' ? t['name'] : pkgName.replaceAll('-', '_'),
      path: typeof t['path'] === 'string' ? normalizeTargetPath(t['path']) : 'src/lib.rs',
      crateTypes: types ?? [procMacro ? 'proc-macro' : 'lib'],
      procMacro,
    };
  }

  const targets = (kind: keyof typeof KINDS) =>
    discover(raw, pkg, pkgName, edition, files, has, kind);
  return {
    ...(lib ? { lib } : {}),
    bins: targets('bins'),
    examples: targets('examples'),
    tests: targets('tests'),
    benches: targets('benches'),
  };
}

/** Files directly in `dir` ending in `.rs`, and subdirectories of `dir` holding a `main.rs`. */
function inferIn(dir: string, files: readonly string[]): BinTarget[] {
  const found: BinTarget[] = [];
  const single = new RegExp(`^${dir}/([^/]+)\\.rs$`);
  const nested = new RegExp(`^${dir}/([^/]+)/main\\.rs$`);
  for (const file of files) {
    const name = single.exec(file)?.[1] ?? nested.exec(file)?.[1];
    if (name !== undefined) found.push({ name, path: file });
  }
  return found;
}

function discover(
  raw: Table,
  pkg: Table,
  pkgName: string,
  edition: string,
  files: readonly string[],
  has: ReadonlySet<string>,
  kind: keyof typeof KINDS,
): BinTarget[] {
  const { table, dir, auto } = KINDS[kind];
  const inferred = [
    ...(kind === 'bins' && has.has('src/main.rs') ? [{ name: pkgName, path: 'src/main.rs' }] : []),
    ...inferIn(dir, files),
  ];
  const explicit = raw[table];
  if (explicit === undefined) return pkg[auto] === false ? [] : inferred;
  if (!Array.isArray(explicit) || !explicit.every(isTable)) {
    throw new ManifestError('MANIFEST_INVALID', table, `[[${table}]] must be an array of tables`);
  }
  const listed: BinTarget[] = explicit.map((t, i) => {
    const name = t['name'];
    if (typeof name !== 'string' || name === '') {
      throw new ManifestError(
        'MANIFEST_INVALID',
        `${table}.${i}`,
        `[[${table}]] #${i + 1} has no name`,
      );
    }
    const candidates = [
      `${dir}/${name}.rs`,
      `${dir}/${name}/main.rs`,
      ...(kind === 'bins' && name === pkgName ? ['src/main.rs'] : []),
    ];
    const path =
      typeof t['path'] === 'string'
        ? normalizeTargetPath(t['path'])
        : (candidates.find((p) => has.has(p)) ?? candidates[0] ?? '');
    return { name, path };
  });
  // Edition 2015: explicit targets of a kind turn inference of that kind off unless asked for.
  const autodiscover = typeof pkg[auto] === 'boolean' ? pkg[auto] : edition !== '2015';
  if (!autodiscover) return listed;
  const names = new Set(listed.map((b) => b.name));
  const paths = new Set(listed.map((b) => b.path));
  return [...listed, ...inferred.filter((b) => !names.has(b.name) && !paths.has(b.path))];
}
