import ldap from "ldapjs";
import { parseFilter, type FilterNode } from "./filter-parser.ts";

type LdapjsFilter = ReturnType<typeof ldap.parseFilter>;

/**
 * The filter as ldapjs objects built from the parsed tree, so that ldapjs writes the decoded bytes
 * and escapes nothing again (its own string parser would send "\2a" as the four characters).
 * Equality keeps raw bytes (a binary objectGUID); ldapjs takes the other kinds' values as text.
 */
function toLdapjs(node: FilterNode): LdapjsFilter {
  const text = (bytes: Buffer) => bytes.toString("utf8");
  switch (node.type) {
    case "and":
      return new ldap.AndFilter({ filters: node.filters.map(toLdapjs) });
    case "or":
      return new ldap.OrFilter({ filters: node.filters.map(toLdapjs) });
    case "not":
      return new ldap.NotFilter({ filter: toLdapjs(node.filter) });
    case "present":
      return new ldap.PresenceFilter({ attribute: node.attribute });
    case "equal":
      return new ldap.EqualityFilter({ attribute: node.attribute, value: node.value });
    case "approx":
      return new ldap.ApproximateFilter({ attribute: node.attribute, value: text(node.value) });
    case "greaterOrEqual":
      return new ldap.GreaterThanEqualsFilter({ attribute: node.attribute, value: text(node.value) });
    case "lessOrEqual":
      return new ldap.LessThanEqualsFilter({ attribute: node.attribute, value: text(node.value) });
    case "substrings":
      return new ldap.SubstringFilter({ attribute: node.attribute, initial: node.initial ? text(node.initial) : "", any: node.any.map(text), final: node.final ? text(node.final) : undefined });
    case "extensible":
      return new ldap.ExtensibleFilter({ matchType: node.attribute ?? undefined, rule: node.rule ?? undefined, dnAttributes: node.dnAttributes, value: text(node.value) });
  }
}

/** A filter string as ldapjs must be given it. Throws FilterSyntaxError on a malformed one. */
export function ldapjsFilter(filter: string): LdapjsFilter {
  return toLdapjs(parseFilter(filter));
}
