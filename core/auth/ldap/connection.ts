import type { DirectoryClient } from "./directory.ts";
import { openLdapjsDirectory } from "./ldapjs-client.ts";
import { connectionOptions, type LdapSettings } from "./settings.ts";

/** Entries per page of a paged search: under every common server limit (OpenLDAP 500, AD 1,000). */
export const pageSize = 200;

/**
 * Runs `work` on a connection bound as the service account (or anonymously when no bind DN is set),
 * and closes it whatever happens. Errors come out as DirectoryError.
 */
export async function withServiceConnection<T>(settings: LdapSettings, work: (client: DirectoryClient) => Promise<T>): Promise<T> {
  const client = await openLdapjsDirectory(connectionOptions(settings));
  try {
    if (settings.bindDn) await client.bind(settings.bindDn, settings.bindPassword);
    return await work(client);
  } finally {
    await client.close();
  }
}
