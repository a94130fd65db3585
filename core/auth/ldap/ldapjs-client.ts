import ldap from "ldapjs";
import { DirectoryEntry, DirectoryError, type DirectoryClient, type DirectoryConnectionOptions, type DirectoryErrorKind } from "./directory.ts";
import { hexEscapedDn, readableDnOrRaw } from "./dn.ts";

/** LDAP result codes worth telling apart (RFC 4511 §4.1.9). */
const kindOfResultCode: Record<number, DirectoryErrorKind> = {
  3: "timeout",
  4: "sizeLimit",
  32: "noSuchObject",
  49: "invalidCredentials",
  50: "refused",
  53: "refused",
};

const unreachableCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EAI_AGAIN", "EPIPE"]);

/** Sorts whatever ldapjs or the socket threw into a DirectoryError. */
export function toDirectoryError(error: unknown): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const failure = error as { name?: string; code?: number | string; message?: string } | undefined;
  const detail = failure?.message || String(error);
  const code = failure?.code;
  const kind: DirectoryErrorKind =
    typeof code === "number" && kindOfResultCode[code]
      ? kindOfResultCode[code]
      : failure?.name === "TimeoutError" || /timeout/i.test(detail)
        ? "timeout"
        : typeof code === "string" && (/CERT|SSL|TLS|SIGNATURE|ALTNAME/.test(code) || /certificate|tls|ssl/i.test(detail))
          ? "tls"
          : (typeof code === "string" && unreachableCodes.has(code)) || failure?.name === "ConnectionError" || /closed|connect/i.test(detail)
            ? "unreachable"
            : "other";
  return new DirectoryError(kind, detail);
}

function callbackPromise<T = void>(run: (done: (error: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      run((error, value) => (error ? reject(toDirectoryError(error)) : resolve(value as T)));
    } catch (error) {
      reject(toDirectoryError(error));
    }
  });
}

/** Waits for the first server of the list that accepts a connection (ldapjs tries them in order). */
function connected(client: ldap.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      for (const event of ["connect", "connectRefused", "connectTimeout", "setupError", "error"]) client.removeListener(event, listeners[event]);
      if (error) reject(toDirectoryError(error));
      else resolve();
    };
    const listeners: Record<string, (error?: unknown) => void> = {
      connect: () => settle(),
      connectRefused: (error) => settle(error),
      connectTimeout: (error) => settle(new DirectoryError("timeout", (error as Error)?.message ?? "connection timeout")),
      setupError: (error) => settle(error),
      error: (error) => settle(error),
    };
    for (const [event, listener] of Object.entries(listeners)) client.once(event, listener);
    // A last guard in case no event comes at all (a server that accepts TCP and then says nothing).
    const timer = setTimeout(() => settle(new DirectoryError("timeout", "no answer from any directory server")), timeoutMs);
  });
}

function toEntry(entry: ldap.SearchEntry): DirectoryEntry {
  const attributes = entry.attributes.map((attribute) => ({ name: attribute.type, values: attribute.buffers as Buffer[] }));
  return new DirectoryEntry(readableDnOrRaw(entry.objectName?.toString() ?? ""), attributes);
}

/** Opens a connection (trying each URL in turn), upgraded with StartTLS when asked. */
export async function openLdapjsDirectory(options: DirectoryConnectionOptions): Promise<DirectoryClient> {
  const tlsOptions = { ca: options.ca ?? undefined, rejectUnauthorized: options.verifyCertificate };
  const client = ldap.createClient({
    url: options.urls,
    tlsOptions,
    timeout: options.timeoutMs,
    connectTimeout: options.connectTimeoutMs,
    reconnect: false,
  });
  // ldapjs reports socket trouble as "error" events: without a listener they would crash the process.
  client.on("error", () => {});
  const close = () =>
    new Promise<void>((resolve) => {
      client.unbind(() => {
        client.destroy();
        resolve();
      });
    });
  try {
    await connected(client, options.connectTimeoutMs * options.urls.length + 1000);
    if (options.startTls) {
      const servername = new URL(options.urls[0]).hostname;
      await callbackPromise((done) => client.starttls({ ...tlsOptions, servername }, [], done));
    }
  } catch (error) {
    client.destroy();
    throw toDirectoryError(error);
  }
  return {
    async bind(dn, password) {
      if (password === "") throw new DirectoryError("invalidCredentials", "empty password");
      await callbackPromise((done) => client.bind(hexEscapedDn(dn), password, done));
    },
    search(base, query) {
      return new Promise((resolve, reject) => {
        const entries: DirectoryEntry[] = [];
        const fail = (error: unknown) => reject(toDirectoryError(error));
        const options: ldap.SearchOptions = { filter: query.filter, scope: query.scope, attributes: query.attributes, sizeLimit: query.sizeLimit ?? 0 };
        if (query.pageSize > 0) options.paged = { pageSize: query.pageSize };
        try {
          client.search(hexEscapedDn(base), options, (error, response) => {
            if (error) return fail(error);
            response.on("searchEntry", (entry) => {
              try {
                entries.push(toEntry(entry));
              } catch (problem) {
                fail(problem);
              }
            });
            response.on("error", fail);
            response.on("end", () => resolve(entries));
          });
        } catch (error) {
          // ldapjs parses the filter before sending and throws on a malformed one.
          reject(new DirectoryError("badFilter", (error as Error).message));
        }
      });
    },
    close,
  };
}
