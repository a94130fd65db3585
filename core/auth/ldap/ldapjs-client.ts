import ldap from "ldapjs";
import { isIP } from "node:net";
import { DirectoryEntry, DirectoryError, type DirectoryClient, type DirectoryConnectionOptions, type DirectoryErrorKind, type TlsProblem } from "./directory.ts";
import { hexEscapedDn, readableDnOrRaw } from "./dn.ts";
import { ldapjsFilter } from "./ldapjs-filter.ts";
import { dnText, wireDn } from "./ldapjs-dn.ts";

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

/** Node's certificate-check codes (tls.TLSSocket.authorizationError), by what the admin must fix. */
const untrustedCodes = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_SIGNATURE_FAILURE", "CERT_UNTRUSTED", "CERT_REJECTED"]);
const expiredCodes = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);

/** Why a TLS failure happened, when its code or message says; null when the error is not about TLS. */
function tlsProblemOf(code: unknown, detail: string, hasCa: boolean): TlsProblem | null {
  if (typeof code === "string") {
    if (untrustedCodes.has(code)) return hasCa ? "untrusted" : "untrustedNoCa";
    if (expiredCodes.has(code)) return "expired";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "hostname";
  }
  // An ldaps:// address on a port that speaks plain LDAP: the first bytes back are no TLS record.
  // Or one that hangs up on the handshake it cannot read (OpenLDAP does).
  if (/wrong version number|packet length too long|unknown protocol|disconnected before secure TLS connection/i.test(detail)) return "notTls";
  if ((typeof code === "string" && /CERT|SSL|TLS|SIGNATURE|ALTNAME/.test(code)) || /certificate|tls|ssl/i.test(detail)) return "handshake";
  return null;
}

/** Sorts whatever ldapjs or the socket threw into a DirectoryError; `hasCa` tells "untrusted despite the CA file" from "no CA file set". */
export function toDirectoryError(error: unknown, hasCa = false): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const failure = error as { name?: string; code?: number | string; message?: string } | undefined;
  const detail = failure?.message || String(error);
  const code = failure?.code;
  if (typeof code === "number" && kindOfResultCode[code]) return new DirectoryError(kindOfResultCode[code], detail);
  if (failure?.name === "TimeoutError" || /timeout/i.test(detail)) return new DirectoryError("timeout", detail);
  const tlsProblem = tlsProblemOf(code, detail, hasCa);
  if (tlsProblem) return new DirectoryError("tls", detail, tlsProblem);
  const isUnreachable = (typeof code === "string" && unreachableCodes.has(code)) || failure?.name === "ConnectionError" || /closed|connect/i.test(detail);
  return new DirectoryError(isUnreachable ? "unreachable" : "other", detail);
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

/** Waits for the server to accept the connection (for ldaps://, the TLS handshake and certificate check included). */
function connected(client: ldap.Client, timeoutMs: number, hasCa: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      for (const event of ["connect", "connectRefused", "connectTimeout", "setupError", "error"]) client.removeListener(event, listeners[event]);
      if (error) reject(toDirectoryError(error, hasCa));
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
  return new DirectoryEntry(readableDnOrRaw(dnText(entry.objectName)), attributes);
}

/**
 * TLS options for one server: the CA to trust, checking on unless turned off, and the host name the
 * certificate must carry (SNI only for a name: RFC 6066 forbids an IP address there).
 */
function tlsOptionsFor(url: string, options: DirectoryConnectionOptions) {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return { ca: options.ca ?? undefined, rejectUnauthorized: options.verifyCertificate, host, ...(isIP(host) ? {} : { servername: host }) };
}

/** A connection to one server, upgraded with StartTLS when asked (StartTLS on an ldaps:// address is pointless and skipped). */
async function connectTo(url: string, options: DirectoryConnectionOptions): Promise<ldap.Client> {
  const tlsOptions = tlsOptionsFor(url, options);
  const client = ldap.createClient({ url: [url], tlsOptions, timeout: options.timeoutMs, connectTimeout: options.connectTimeoutMs, reconnect: false });
  // ldapjs reports socket trouble as "error" events: without a listener they would crash the process.
  client.on("error", () => {});
  const hasCa = options.ca !== null;
  try {
    await connected(client, options.connectTimeoutMs + 1000, hasCa);
    if (options.startTls && url.startsWith("ldap:")) {
      await new Promise<void>((resolve, reject) => {
        try {
          client.starttls(tlsOptions, [], (error: unknown) => (error ? reject(error) : resolve()));
        } catch (error) {
          reject(error);
        }
      }).catch((error: unknown) => {
        const sorted = toDirectoryError(error, hasCa);
        if (sorted.kind === "tls" || sorted.kind === "timeout") throw sorted;
        // Connected, then an LDAP error or a hang-up in answer to StartTLS: the server does not offer TLS there, it was reached.
        throw new DirectoryError("tls", sorted.detail, sorted.kind === "unreachable" ? "startTlsClosed" : "startTlsRefused");
      });
    }
    return client;
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/**
 * Opens a connection to the first server of the list that answers (failover), each tried on its own
 * so that StartTLS checks the certificate against the name of the server actually reached. When none
 * answers, the last failure is thrown, naming its server.
 */
export async function openLdapjsDirectory(options: DirectoryConnectionOptions): Promise<DirectoryClient> {
  if (options.urls.length === 0) throw new DirectoryError("unreachable", "no server URL is set");
  let client: ldap.Client | null = null;
  let lastFailure: DirectoryError | null = null;
  for (const url of options.urls) {
    try {
      client = await connectTo(url, options);
      break;
    } catch (error) {
      const failure = toDirectoryError(error, options.ca !== null);
      lastFailure = new DirectoryError(failure.kind, `${url}: ${failure.detail}`, failure.tlsProblem);
    }
  }
  if (!client) throw lastFailure!;
  const connection = client;
  const close = () =>
    new Promise<void>((resolve) => {
      connection.unbind(() => {
        connection.destroy();
        resolve();
      });
    });
  return {
    async bind(dn, password) {
      if (password === "") throw new DirectoryError("invalidCredentials", "empty password");
      await callbackPromise((done) => connection.bind(hexEscapedDn(dn), password, done));
    },
    search(base, query) {
      return new Promise((resolve, reject) => {
        const entries: DirectoryEntry[] = [];
        const fail = (error: unknown) => reject(toDirectoryError(error));
        try {
          // Parsed here, escapes decoded once: ldapjs is given filter objects, never a string it would read again.
          const options: ldap.SearchOptions = { filter: ldapjsFilter(query.filter), scope: query.scope, attributes: query.attributes, sizeLimit: query.sizeLimit ?? 0 };
          if (query.pageSize > 0) options.paged = { pageSize: query.pageSize };
          // ldapjs takes its own DN object where the @types say string (see ldapjs-dn.ts).
          connection.search(wireDn(base) as unknown as string, options, (error, response) => {
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
          // A malformed filter (FilterSyntaxError) or one ldapjs refuses to encode.
          reject(new DirectoryError("badFilter", (error as Error).message));
        }
      });
    },
    close,
  };
}
