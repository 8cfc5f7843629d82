/**
 * Loading field modules named on a command line: a file path, or a package installed where the
 * command runs. Packages are looked up from `cwd` upwards, as Node looks up `node_modules`, and
 * opened at their `exports` (`import` or `default` condition), `module` or `main`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AugmentedIndexError } from '../errors.js';
import { FieldSet, type FieldOrigin } from './field-set.js';

/**
 * The built-in fields and those of `modules` (each an ES module whose default export is an
 * array of fields), validated together.
 * @throws {AugmentedIndexError} `AUGMENTED_FIELD_INVALID` naming the module (and the field).
 */
export async function loadFieldModules(
  modules: readonly string[],
  options: { readonly cwd?: string } = {},
): Promise<FieldSet> {
  const cwd = options.cwd ?? process.cwd();
  const origins: FieldOrigin[] = [];
  for (const module of modules) {
    let loaded: { default?: unknown };
    try {
      loaded = (await import(moduleUrl(module, cwd))) as { default?: unknown };
    } catch (error) {
      if (error instanceof AugmentedIndexError) throw error;
      throw new AugmentedIndexError(
        'AUGMENTED_FIELD_INVALID',
        module,
        `${module}: cannot load it: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!Array.isArray(loaded.default))
      throw new AugmentedIndexError(
        'AUGMENTED_FIELD_INVALID',
        module,
        `${module}: its default export is not an array of fields`,
      );
    origins.push({ module, fields: loaded.default });
  }
  return new FieldSet(origins);
}

/** The URL to import `module` from: a path relative to `cwd`, or a package found from it. */
function moduleUrl(module: string, cwd: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module) || module.startsWith('.')) {
    const path = resolve(cwd, module);
    if (!existsSync(path))
      throw new AugmentedIndexError('AUGMENTED_FIELD_INVALID', module, `${module}: no such file`);
    return pathToFileURL(path).href;
  }
  const parts = module.split('/');
  const name = module.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? module);
  const subpath = `.${module.slice(name.length)}`;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    if (existsSync(join(root, 'package.json')))
      return pathToFileURL(entryOf(root, subpath, module)).href;
    if (dirname(dir) === dir) break;
  }
  throw new AugmentedIndexError(
    'AUGMENTED_FIELD_INVALID',
    module,
    `${module}: not a file, and no package of that name is installed in ${cwd} or above`,
  );
}

/** The file a package's `subpath` opens, by its `exports`, else `module`, `main` or index.js. */
function entryOf(root: string, subpath: string, module: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (target && typeof target === 'object') {
      const t = target as Record<string, unknown>;
      return pick(t['import']) ?? pick(t['node']) ?? pick(t['default']);
    }
    return undefined;
  };
  let target: string | undefined;
  if (pkg.exports !== undefined) {
    const exports = pkg.exports as Record<string, unknown> | string;
    const map =
      typeof exports === 'string' || !Object.keys(exports).some((k) => k.startsWith('.'))
        ? { '.': exports }
        : exports;
    target = pick((map as Record<string, unknown>)[subpath]);
    if (!target)
      throw new AugmentedIndexError(
        'AUGMENTED_FIELD_INVALID',
        module,
        `${module}: the package does not export ${subpath}`,
      );
  } else target = subpath === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : subpath;
  const path = resolve(root, target);
  // A package's own exports may not point outside it.
  if (!path.startsWith(`${root}/`) && path !== root)
    throw new AugmentedIndexError(
      'AUGMENTED_FIELD_INVALID',
      module,
      `${module}: its entry ${target} is outside the package`,
    );
  return path;
}
