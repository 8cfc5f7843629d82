/** Reading untrusted TOML tables (a crate's manifests) without trusting their shape. */

/** A TOML table as the parser returns it. */
export type Table = Readonly<Record<string, unknown>>;

/** `true` for a table: not an array, a date or a scalar. */
export function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** `table[key]` when it is a string, else `undefined` (a hostile value is simply not used). */
export function stringAt(table: Table, key: string): string | undefined {
  const value = table[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The dev-dependency tables of one scope (the manifest, or one `[target.X]` table): the dash
 * spelling and the legacy underscore one, which cargo still reads for editions before 2024.
 */
export function devDependencyTables(scope: Table): Table[] {
  return ['dev-dependencies', 'dev_dependencies']
    .map((key) => scope[key])
    .filter((table): table is Table => isTable(table));
}
