/**
 * The `target` of a dependency as cargo prints it (`cargo metadata`, the index): a target triple as
 * written, or a `cfg(...)` expression re-printed in cargo's canonical form, e.g.
 * `cfg(all( unix , target_arch="x86"))` -> `cfg(all(unix, target_arch = "x86"))`
 * (cargo-platform's `Display`, https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#platform-specific-dependencies).
 * Returns `undefined` for an expression cargo would refuse.
 */
export function normalizePlatform(spec: string): string | undefined {
  const text = spec.trim();
  if (!text.startsWith('cfg(')) return /^[^\s()"=,]+$/.test(text) ? text : undefined;
  if (!text.endsWith(')')) return undefined;
  const parser = new CfgParser(text.slice(4, -1));
  const expr = parser.expr();
  return expr !== undefined && parser.done() ? `cfg(${expr})` : undefined;
}

class CfgParser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    this.ws();
    return this.i === this.s.length;
  }

  expr(): string | undefined {
    this.ws();
    const ident = this.ident();
    if (ident === undefined) return undefined;
    this.ws();
    if ((ident === 'all' || ident === 'any' || ident === 'not') && this.s[this.i] === '(') {
      this.i++;
      const list: string[] = [];
      this.ws();
      while (this.s[this.i] !== ')') {
        const item = this.expr();
        if (item === undefined) return undefined;
        list.push(item);
        this.ws();
        if (this.s[this.i] === ',') {
          this.i++;
          this.ws();
        } else if (this.s[this.i] !== ')') return undefined;
      }
      this.i++;
      if (ident === 'not' && list.length !== 1) return undefined;
      return `${ident}(${list.join(', ')})`;
    }
    if (this.s[this.i] === '=') {
      this.i++;
      this.ws();
      const value = this.string();
      return value === undefined ? undefined : `${ident} = "${value}"`;
    }
    return ident;
  }

  private ident(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  private string(): string | undefined {
    if (this.s[this.i] !== '"') return undefined;
    const end = this.s.indexOf('"', this.i + 1);
    if (end === -1) return undefined;
    const value = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return value;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] ?? '')) this.i++;
  }
}
