// Every error code a library declares is produced somewhere: a code in a `...ErrorCode` union or
// a `..._CODES` list of `src/errors.ts` that no source file ever throws is a dead code, which
// consumers would handle for nothing. Each lib's errors.spec.ts runs this on its own sources, and
// checks that no other lib declares a code with one of its prefixes (the part before the first
// `_`), so a code alone tells which lib threw it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The codes of every `...Code` union and `..._CODES` list in `libDir/src/errors.ts`.
 * @param {string} libDir
 * @returns {{ declarations: string[], declared: string[] }}
 */
function declaredCodes(libDir) {
  const errors = readFileSync(join(libDir, 'src', 'errors.ts'), 'utf8');
  const declarations = [
    ...errors.matchAll(/export type \w+Code\s*=([^;]+);/g),
    ...errors.matchAll(/export const \w+_CODES\s*=\s*\[([^\]]+)\]/g),
  ].map((m) => m[1] ?? '');
  const declared = [
    ...new Set(
      declarations.flatMap((d) => [...d.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1])),
    ),
  ].sort();
  return { declarations, declared };
}

/**
 * The prefixes of `libDir`'s codes that a sibling lib (a folder beside it with `src/errors.ts`)
 * also uses, each with the libs that share it.
 * @param {string} libDir
 * @returns {string[]}
 */
export function sharedCodePrefixes(libDir) {
  const prefix = (code) => code.slice(0, code.indexOf('_'));
  const own = new Set(declaredCodes(libDir).declared.map(prefix));
  const shared = [];
  for (const sibling of readdirSync(dirname(libDir))) {
    const dir = join(dirname(libDir), sibling);
    if (sibling === basename(libDir) || !existsSync(join(dir, 'src', 'errors.ts'))) continue;
    for (const p of new Set(declaredCodes(dir).declared.map(prefix)))
      if (own.has(p)) shared.push(`${p}_ (also in ${sibling})`);
  }
  return shared.sort();
}

/**
 * The codes `libDir/src/errors.ts` declares and no source file produces.
 * @param {string} libDir
 * @returns {{ declared: string[], dead: string[] }}
 */
export function deadErrorCodes(libDir) {
  const src = join(libDir, 'src');
  const errors = readFileSync(join(src, 'errors.ts'), 'utf8');
  const { declarations, declared } = declaredCodes(libDir);
  // Everything but the declarations themselves: where a code can be produced.
  const rest = [
    declarations.reduce((text, d) => text.replace(d, ''), errors),
    ...readdirSync(src, { recursive: true })
      .map(String)
      .filter(
        (f) =>
          f.endsWith('.ts') &&
          !f.endsWith('.spec.ts') &&
          f !== 'errors.ts' &&
          !f.includes('test-support'),
      )
      .map((f) => readFileSync(join(src, f), 'utf8')),
  ].join('\n');
  return { declared, dead: declared.filter((code) => !rest.includes(`'${code}'`)) };
}
