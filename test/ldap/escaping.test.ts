import test from "ava";
import { escapeFilterValue, everyUserFilter, isWellFormedFilter, userFilterFor } from "../../core/auth/ldap/filter.ts";
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
  t.false(isWellFormedFilter("(a=b"));
  t.false(isWellFormedFilter("a=b"));
  t.false(isWellFormedFilter("(a=b))("));
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
