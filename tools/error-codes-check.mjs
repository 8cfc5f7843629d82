// Every error code a library declares is produced somewhere: a code in a `...ErrorCode` union or
// a `..._CODES` list of `src/errors.ts` that no source file ever throws is a dead code, which
// consumers would handle for nothing. Each lib's errors.spec.ts runs this on its own sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The codes `libDir/src/errors.ts` declares and no source file produces.
 * @param {string} libDir
 * @returns {{ declared: string[], dead: string[] }}
 */
export function deadErrorCodes(libDir) {
  const src = join(libDir, 'src');
  const errors = readFileSync(join(src, 'errors.ts'), 'utf8');
  const declarations = [
    ...errors.matchAll(/export type \w+Code\s*=([^;]+);/g),
    ...errors.matchAll(/export const \w+_CODES\s*=\s*\[([^\]]+)\]/g),
  ].map((m) => m[1] ?? '');
  const declared = [
    ...new Set(
      declarations.flatMap((d) => [...d.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1])),
    ),
  ].sort();
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
