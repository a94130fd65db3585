import test from "ava";
import { escapeFilterValue, everyUserFilter, isWellFormedFilter, userFilterFor } from "../../core/auth/ldap/filter.ts";
import { FilterSyntaxError, parseFilter } from "../../core/auth/ldap/filter-parser.ts";
import { ldapjsFilter } from "../../core/auth/ldap/ldapjs-filter.ts";
import { hexEscapedDn, normalizeDn, parseDn, readableDn } from "../../core/auth/ldap/dn.ts";
import { usernameBase } from "../../core/auth/ldap/person.ts";
import { seal, unseal } from "../../core/auth/ldap/secret-box.ts";

// The pure pieces under the directory tests: they need no server.

test("RFC 4515: the five special characters of a filter value are hex-escaped, nothing else", (t) => {
  t.is(escapeFilterValue("*"), "\\2a");
  t.is(escapeFilterValue("bob)(uid=*"), "bob\\29\\28uid=\\2a");
  t.is(escapeFilterValue("a\\b"), "a\\5cb");
  t.is(escapeFilterValue("nul\u0000"), "nul\\00");
  t.is(escapeFilterValue("José 李雷"), "José 李雷");
  const template = "(&(objectClass=inetOrgPerson)(uid={{username}}))";
  t.is(userFilterFor(template, "*)(uid=*"), "(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))");
  t.is(userFilterFor("(|(uid={{username}})(mail={{username}}))", "a*"), "(|(uid=a\\2a)(mail=a\\2a))");
  t.is(userFilterFor(template, "$&$1"), "(&(objectClass=inetOrgPerson)(uid=$&$1))", "replacement patterns stay text");
  t.is(everyUserFilter(template), "(&(objectClass=inetOrgPerson)(uid=*))");
});

test("filters are checked for shape before they reach a server", (t) => {
  t.true(isWellFormedFilter("(&(a=b)(c=d\\29))"));
  t.true(isWellFormedFilter("(&(objectClass=inetOrgPerson)(uid={{username}}))"));
  t.false(isWellFormedFilter("(a=b"));
  t.false(isWellFormedFilter("a=b"));
  t.false(isWellFormedFilter("(a=b))("));
  t.false(isWellFormedFilter("(a=b(c)"), "an unescaped ( in a value");
  t.false(isWellFormedFilter("(a>=b*c)"), "* means nothing in an ordering match");
  t.false(isWellFormedFilter("(=b)"));
});

test("a filter's escapes are decoded exactly once, into the bytes the server compares", (t) => {
  const text = (bytes: Buffer | null) => bytes?.toString("utf8");
  const equal = (filter: string) => {
    const node = parseFilter(filter);
    return node.type === "equal" ? text(node.value) : node.type;
  };
  t.is(equal(userFilterFor("(uid={{username}})", "eve*star")), "eve*star");
  t.is(equal(userFilterFor("(uid={{username}})", "ACME\\dora")), "ACME\\dora");
  t.is(equal(userFilterFor("(uid={{username}})", "max*)(uid=\\")), "max*)(uid=\\");
  t.is(equal(userFilterFor("(uid={{username}})", "eve\\2astar")), "eve\\2astar", "an escape typed by a person is text");
  t.is(equal("(cn=\\e6\\9d\\8e\\E9\\9B\\B7)"), "李雷");
  t.is(equal("(member=cn=Smith\\, John,ou=p)"), "cn=Smith\\, John,ou=p", "a lone backslash stays one, as ldapjs sent it");
  const guid = parseFilter("(objectGUID=\\a1\\00\\ff)");
  t.deepEqual(guid.type === "equal" ? [...guid.value] : [], [0xa1, 0x00, 0xff]);
  t.deepEqual(parseFilter("(uid=*)"), { type: "present", attribute: "uid" });
  const substrings = parseFilter("(cn=a\\2a*b**c\\29*)");
  t.deepEqual(substrings.type === "substrings" ? [text(substrings.initial), substrings.any.map(text), text(substrings.final)] : [], ["a*", ["b", "c)"], undefined]);
  const tree = parseFilter("(&(objectClass=person)(!(uid>=m))(|(cn~=ann)(cn:dn:2.5.13.5:=Ann)))");
  t.is(tree.type, "and");
  t.deepEqual(tree.type === "and" ? tree.filters.map((node) => node.type) : [], ["equal", "not", "or"]);
  t.is(parseFilter("objectClass=group").type, "equal", "a bare item is read as if in parentheses");
  t.throws(() => parseFilter("(uid=a)(uid=b)"), { instanceOf: FilterSyntaxError });
});

test("ldapjs is handed the decoded value: the request carries eve*star, not eve\\2astar", (t) => {
  // The BER ldapjs will send (its @types leave toBer out).
  const ber = (login: string) => (ldapjsFilter(userFilterFor("(uid={{username}})", login)) as unknown as { toBer(): { buffer: Buffer } }).toBer().buffer;
  const wire = ber("eve*star");
  t.true(wire.includes(Buffer.from("eve*star")));
  t.false(wire.includes(Buffer.from("\\2a")));
  const backslash = ber("ACME\\dora");
  t.true(backslash.includes(Buffer.from("ACME\\dora")));
  t.false(backslash.includes(Buffer.from("5c")));
});

test("DNs: one normal form for every spelling; readable form keeps accents; hex form for the wire", (t) => {
  t.is(normalizeDn("CN=Smith\\, John, OU=People,DC=Agora"), normalizeDn("cn=smith\\2c john,ou=people,dc=agora"));
  t.is(normalizeDn("cn=Zo\\c3\\ab Plus+uid=zplus,ou=p"), normalizeDn("uid=zplus+cn=Zoë Plus,ou=p"), "multi-valued RDNs in any order");
  t.is(readableDn("cn=\\e6\\9d\\8e\\e9\\9b\\b7,ou=people"), "cn=李雷,ou=people");
  t.is(readableDn("cn=Ana\\2bBea,ou=p"), "cn=Ana\\+Bea,ou=p");
  t.is(hexEscapedDn("cn=Ana\\+Bea,ou=p"), "cn=Ana\\2bBea,ou=p");
  t.deepEqual(parseDn("cn=a\\,b+uid=c,dc=x"), [[{ type: "cn", value: "a,b" }, { type: "uid", value: "c" }], [{ type: "dc", value: "x" }]]);
  t.throws(() => parseDn("not a dn"));
});

test("usernames from directory logins: accents folded, other scripts fall back", (t) => {
  t.is(usernameBase("José.Núñez"), "jose.nunez");
  t.is(usernameBase("李雷"), "user");
  t.is(usernameBase("a"), "a0");
  t.is(usernameBase("_x_y"), "x_y");
});

test("the sealed bind password opens only with the same session secret", (t) => {
  const sealed = seal("s".repeat(32), "service password");
  t.false(sealed.includes("service password"));
  t.is(unseal("s".repeat(32), sealed), "service password");
  t.is(unseal("t".repeat(32), sealed), null);
  t.is(unseal("s".repeat(32), sealed.slice(0, -4) + "AAAA"), null);
});
