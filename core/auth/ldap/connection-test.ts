import { DirectoryError } from "./directory.ts";
import { pageSize, withServiceConnection } from "./connection.ts";
import { everyUserFilter } from "./filter.ts";
import { readsGroups } from "./groups.ts";
import { personFrom, requestedAttributes } from "./person.ts";
import { userFilterTemplate, type LdapSettings } from "./settings.ts";

const sampleSize = 5;

export interface ConnectionTestResult {
  isOk: boolean;
  userCount: number;
  groupCount: number | null;
  sample: { dn: string; login: string; displayName: string; email: string | null }[];
  durationMs: number;
  /** In plain words (a translation key), with the server's own message beside it. */
  error?: { messageKey: string; detail: string };
}

/** The admin console's "test connection": bind as the service account, count the users the filter matches (paged), show a few. */
export async function testConnection(settings: LdapSettings): Promise<ConnectionTestResult> {
  const started = Date.now();
  const result: ConnectionTestResult = { isOk: false, userCount: 0, groupCount: null, sample: [], durationMs: 0 };
  try {
    if (settings.urls.length === 0 || settings.baseDns.length === 0) throw new DirectoryError("other", "no server URL or base DN is set");
    await withServiceConnection(settings, async (client) => {
      const attributes = requestedAttributes(settings, { withPhoto: false });
      for (const base of settings.baseDns) {
        const entries = await client.search(base, { filter: everyUserFilter(userFilterTemplate(settings)), scope: "sub", attributes, pageSize });
        result.userCount += entries.length;
        for (const entry of entries.slice(0, sampleSize - result.sample.length)) {
          const person = personFrom(entry, settings);
          result.sample.push({ dn: entry.dn, login: person?.login ?? "", displayName: person?.displayName ?? "", email: person?.email ?? null });
        }
      }
      if (readsGroups(settings)) result.groupCount = (await client.search(settings.groupBaseDn, { filter: settings.groupFilter, scope: "sub", attributes: ["1.1"], pageSize })).length;
    });
    result.isOk = true;
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    result.error = { messageKey: error.messageKey, detail: error.detail };
  }
  result.durationMs = Date.now() - started;
  return result;
}
