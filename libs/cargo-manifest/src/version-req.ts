/**
 * Normalizes a version requirement the way cargo prints it: the `semver` crate's `VersionReq`
 * parsed and displayed again (https://docs.rs/semver/latest/semver/struct.VersionReq.html). A bare
 * version gets the default caret (`1` -> `^1`), whitespace after operators goes, comparators are
 * joined by `, `, wildcards print as `*`, and only the components written are kept (`^1.0` stays
 * `^1.0`). Returns `undefined` when cargo would refuse the requirement.
 */
export function normalizeVersionReq(req: string): string | undefined {
  const text = req.trim();
  if (text === '*' || text === 'x' || text === 'X') return '*';
  if (text === '') return undefined;
  const parts = text.split(',').map((p) => p.trim());
  const out: string[] = [];
  for (const part of parts) {
    const comparator = normalizeComparator(part);
    if (comparator === undefined) return undefined;
    out.push(comparator);
  }
  return out.join(', ');
}

const OP = /^(=|>=|>|<=|<|~|\^)?\s*(.*)$/;
const NUMBER = /^(0|[1-9][0-9]*)$/;
const WILDCARD = /^[*xX]$/;
const IDENT = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

function normalizeComparator(part: string): string | undefined {
  const [, op = '', rest = ''] = OP.exec(part) ?? [];
  // Pre-release and build metadata split off the numeric core.
  const buildAt = rest.indexOf('+');
  const withoutBuild = buildAt === -1 ? rest : rest.slice(0, buildAt);
  if (buildAt !== -1 && !IDENT.test(rest.slice(buildAt + 1))) return undefined;
  const preAt = withoutBuild.indexOf('-');
  const core = preAt === -1 ? withoutBuild : withoutBuild.slice(0, preAt);
  const pre = preAt === -1 ? undefined : withoutBuild.slice(preAt + 1);
  if (pre !== undefined && !IDENT.test(pre)) return undefined;
  const nums = core.split('.');
  if (nums.length === 0 || nums.length > 3) return undefined;
  const firstWild = nums.findIndex((n) => WILDCARD.test(n));
  if (firstWild === 0) {
    // `*` (with or without an operator, other components must be wildcards too).
    return nums.every((n) => WILDCARD.test(n)) && pre === undefined ? '*' : undefined;
  }
  if (firstWild > 0) {
    if (!nums.slice(firstWild).every((n) => WILDCARD.test(n)) || pre !== undefined)
      return undefined;
    if (!nums.slice(0, firstWild).every((n) => NUMBER.test(n))) return undefined;
    // semver prints `1.*` / `1.2.*` for wildcards, keeping an explicit operator other than `=`.
    const shown = `${nums.slice(0, firstWild).join('.')}.*`;
    return op === '' || op === '=' ? shown : `${op}${shown}`;
  }
  if (!nums.every((n) => NUMBER.test(n))) return undefined;
  if (pre !== undefined && nums.length < 3) return undefined;
  return `${op || '^'}${nums.join('.')}${pre !== undefined ? `-${pre}` : ''}`;
}
