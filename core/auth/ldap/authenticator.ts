import { DirectoryError, type DirectoryClient, type DirectoryEntry } from "./directory.ts";
import { withServiceConnection } from "./connection.ts";
import { allOf, userFilterFor } from "./filter.ts";
import { membershipsOfOne, readsGroups, type UserMemberships } from "./groups.ts";
import { personFrom, requestedAttributes, type DirectoryPerson } from "./person.ts";
import { userFilterTemplate, type LdapSettings } from "./settings.ts";

/** Longer logins are no directory name: refused before any search. */
const maxLoginLength = 256;

export type DirectoryLogin =
  | { isVerified: true; person: DirectoryPerson; memberships: UserMemberships | null; isDisabled: boolean }
  /** Unknown login, wrong password, or an entry Agora cannot use; `why` goes to the log only. */
  | { isVerified: false; why: string };

/**
 * The one entry the login names, searched in every base DN; null when none does, "ambiguous" when
 * two or more do (a size limit of 2 exceeded says the same): a refusal, never a guess.
 */
async function findEntry(client: DirectoryClient, settings: LdapSettings, login: string): Promise<DirectoryEntry | null | "ambiguous"> {
  const filter = userFilterFor(userFilterTemplate(settings), login);
  const attributes = requestedAttributes(settings, { withPhoto: true });
  const found: DirectoryEntry[] = [];
  for (const base of settings.baseDns) {
    try {
      found.push(...(await client.search(base, { filter, scope: "sub", attributes, pageSize: 0, sizeLimit: 2 })));
    } catch (error) {
      if (error instanceof DirectoryError && error.kind === "sizeLimit") return "ambiguous";
      throw error;
    }
  }
  return found.length > 1 ? "ambiguous" : (found[0] ?? null);
}

async function matchesDisabledRule(client: DirectoryClient, settings: LdapSettings, dn: string): Promise<boolean> {
  if (!settings.disabledFilter.trim()) return false;
  const matches = await client.search(dn, { filter: allOf(settings.disabledFilter), scope: "base", attributes: ["1.1"], pageSize: 0 });
  return matches.length > 0;
}

/**
 * Checks a login and password against the directory: search with the service account (the login
 * escaped into the user filter), read the disabled rule and group memberships, then bind as the
 * user. Throws DirectoryError when the directory cannot answer (unreachable, timeout, TLS, bad service
 * account), so the caller can tell "wrong password" from "directory down".
 */
export async function verifyDirectoryLogin(settings: LdapSettings, login: string, password: string): Promise<DirectoryLogin> {
  if (login.trim() === "" || login.length > maxLoginLength) return { isVerified: false, why: "empty or overlong login" };
  // An empty password would be an unauthenticated bind, which some servers accept as success.
  if (password === "") return { isVerified: false, why: "empty password" };
  return withServiceConnection(settings, async (client) => {
    const entry = await findEntry(client, settings, login.trim());
    if (entry === null) return { isVerified: false, why: "no entry matches" };
    if (entry === "ambiguous") return { isVerified: false, why: "several entries match" };
    const person = personFrom(entry, settings);
    if (!person) return { isVerified: false, why: `entry ${entry.dn} has no ${settings.loginAttribute} or ${settings.uniqueIdAttribute}` };
    // Read with the service account's rights, before the connection becomes the user's.
    const isDisabled = await matchesDisabledRule(client, settings, entry.dn);
    const memberships = readsGroups(settings) ? await membershipsOfOne(client, settings, person) : null;
    try {
      await client.bind(entry.dn, password);
    } catch (error) {
      if (error instanceof DirectoryError && error.kind === "invalidCredentials") return { isVerified: false, why: "wrong password" };
      throw error;
    }
    return { isVerified: true, person, memberships, isDisabled: isDisabled || (memberships?.isInDisabledGroup ?? false) };
  });
}
