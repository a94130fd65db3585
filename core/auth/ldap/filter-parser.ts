/**
 * RFC 4515 filter strings read into a tree whose values are the bytes the server must compare, each
 * \XX escape decoded exactly once here. A client library is then handed the tree, never the string:
 * ldapjs 3 sends an equality value's escapes as literal backslashes, so "\2a" reached the server as
 * "\5c2a" and a login holding *, (, ) or \ matched nobody.
 */

export type FilterNode =
  | { type: "and" | "or"; filters: FilterNode[] }
  | { type: "not"; filter: FilterNode }
  | { type: "present"; attribute: string }
  | { type: "equal" | "approx" | "greaterOrEqual" | "lessOrEqual"; attribute: string; value: Buffer }
  | { type: "substrings"; attribute: string; initial: Buffer | null; any: Buffer[]; final: Buffer | null }
  | { type: "extensible"; attribute: string | null; rule: string | null; dnAttributes: boolean; value: Buffer };

export class FilterSyntaxError extends Error {}

const attributePattern = /^[A-Za-z0-9][A-Za-z0-9.;_-]*/;
const extensiblePattern = /^(:dn)?(?::([A-Za-z0-9][A-Za-z0-9.-]*))?:=/i;
const comparisons = { "=": "equal", "~=": "approx", ">=": "greaterOrEqual", "<=": "lessOrEqual" } as const;

class Reader {
  position = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new FilterSyntaxError(`${why} at character ${this.position + 1} of ${this.text}`);
  }

  expect(character: string) {
    if (this.text[this.position] !== character) this.fail(`"${character}" expected`);
    this.position++;
  }

  /**
   * An assertion value up to the closing parenthesis, cut at each unescaped "*" into its pieces'
   * bytes. A backslash not followed by two hex digits stays a backslash, as ldapjs used to send it,
   * so an admin's filter that worked before still does; escapeFilterValue never writes one.
   */
  value(): Buffer[] {
    const pieces: Buffer[] = [];
    let bytes: number[] = [];
    for (;;) {
      const character = this.text[this.position];
      if (character === undefined) this.fail("unclosed parenthesis");
      if (character === ")") break;
      if (character === "(") this.fail('"(" must be escaped as \\28 in a value');
      if (character === "*") {
        pieces.push(Buffer.from(bytes));
        bytes = [];
        this.position++;
      } else if (character === "\\" && /^[0-9a-fA-F]{2}$/.test(this.text.slice(this.position + 1, this.position + 3))) {
        bytes.push(parseInt(this.text.slice(this.position + 1, this.position + 3), 16));
        this.position += 3;
      } else {
        const codePoint = this.text.codePointAt(this.position)!;
        bytes.push(...Buffer.from(String.fromCodePoint(codePoint), "utf8"));
        this.position += codePoint > 0xffff ? 2 : 1;
      }
    }
    pieces.push(Buffer.from(bytes));
    return pieces;
  }

  /** A value in which "*" has no meaning (~=, >=, <=, extensible): one piece. */
  plainValue(): Buffer {
    const pieces = this.value();
    if (pieces.length > 1) this.fail('"*" must be escaped as \\2a here');
    return pieces[0];
  }

  filter(): FilterNode {
    this.expect("(");
    const node = this.component();
    this.expect(")");
    return node;
  }

  component(): FilterNode {
    const operator = this.text[this.position];
    if (operator === "&" || operator === "|") {
      this.position++;
      const filters: FilterNode[] = [];
      while (this.text[this.position] === "(") filters.push(this.filter());
      return { type: operator === "&" ? "and" : "or", filters };
    }
    if (operator === "!") {
      this.position++;
      return { type: "not", filter: this.filter() };
    }
    return this.item();
  }

  item(): FilterNode {
    const rest = this.text.slice(this.position);
    const attribute = attributePattern.exec(rest)?.[0] ?? "";
    this.position += attribute.length;
    const extensible = extensiblePattern.exec(this.text.slice(this.position));
    if (extensible) {
      if (!attribute && !extensible[2]) this.fail("an extensible match needs an attribute or a matching rule");
      this.position += extensible[0].length;
      return { type: "extensible", attribute: attribute || null, rule: extensible[2] ?? null, dnAttributes: Boolean(extensible[1]), value: this.plainValue() };
    }
    if (!attribute) this.fail("attribute name expected");
    const operator = (["~=", ">=", "<="] as const).find((candidate) => this.text.startsWith(candidate, this.position)) ?? (this.text[this.position] === "=" ? "=" : null);
    if (!operator) this.fail("=, ~=, >= or <= expected");
    this.position += operator.length;
    if (operator !== "=") return { type: comparisons[operator], attribute, value: this.plainValue() };
    const pieces = this.value();
    if (pieces.length === 1) return { type: "equal", attribute, value: pieces[0] };
    if (pieces.every((piece) => piece.length === 0)) return { type: "present", attribute };
    const [initial, ...others] = pieces;
    const final = others.pop()!;
    // "a**b" says no more than "a*b": an empty middle piece is no condition (and servers refuse it).
    return { type: "substrings", attribute, initial: initial.length ? initial : null, any: others.filter((piece) => piece.length > 0), final: final.length ? final : null };
  }
}

/** Reads a filter; a bare "attr=value" is read as if in parentheses. Throws FilterSyntaxError. */
export function parseFilter(text: string): FilterNode {
  const trimmed = text.trim();
  const reader = new Reader(trimmed.startsWith("(") ? trimmed : `(${trimmed})`);
  const node = reader.filter();
  if (reader.position !== reader.text.length) reader.fail("text after the closing parenthesis");
  return node;
}
