/**
 * What Agora needs from an LDAP directory, and nothing of a client library: the rest of core talks to
 * this interface, so the client behind it (ldapjs today, see ldapjs-client.ts) can be swapped.
 */

export interface DirectoryConnectionOptions {
  /** Tried in order until one answers (failover). ldap:// or ldaps://. */
  urls: string[];
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls: boolean;
  /** PEM certificates of the CA that signed the server's certificate; null trusts Node's bundled CAs. */
  ca: Buffer | null;
  /** Certificate checking: on unless an admin turns it off. */
  verifyCertificate: boolean;
  /** Per operation (bind, one page of a search). */
  timeoutMs: number;
  connectTimeoutMs: number;
}

export interface SearchQuery {
  filter: string;
  scope: "base" | "one" | "sub";
  attributes: string[];
  /** Page size for RFC 2696 paged results; 0 asks for everything in one answer (bounded by the server's size limit). */
  pageSize: number;
  /** Stop after this many entries (0: no limit of ours). */
  sizeLimit?: number;
}

/** One entry of a search result: attribute names compare case-insensitively, options (";binary") dropped. */
export class DirectoryEntry {
  private values = new Map<string, Buffer[]>();

  constructor(readonly dn: string, attributes: { name: string; values: Buffer[] }[]) {
    for (const { name, values } of attributes) {
      const key = name.split(";")[0].toLowerCase();
      this.values.set(key, [...(this.values.get(key) ?? []), ...values]);
    }
  }

  /** Every value of an attribute, as UTF-8 text. */
  all(name: string): string[] {
    return (this.values.get(name.toLowerCase()) ?? []).map((value) => value.toString("utf8"));
  }

  /** The first value, trimmed, or null when absent or blank. */
  first(name: string): string | null {
    const value = this.all(name)[0]?.trim();
    return value ? value : null;
  }

  /** The first value as bytes (jpegPhoto, objectGUID). */
  binary(name: string): Buffer | null {
    return this.values.get(name.toLowerCase())?.[0] ?? null;
  }
}

export interface DirectoryClient {
  /** Simple bind. Refuses an empty password itself: a directory would take it as an anonymous bind. */
  bind(dn: string, password: string): Promise<void>;
  search(base: string, query: SearchQuery): Promise<DirectoryEntry[]>;
  close(): Promise<void>;
}

export type DirectoryConnector = (options: DirectoryConnectionOptions) => Promise<DirectoryClient>;

export const directoryErrorKinds = ["unreachable", "timeout", "tls", "invalidCredentials", "noSuchObject", "sizeLimit", "badFilter", "refused", "other"] as const;
export type DirectoryErrorKind = (typeof directoryErrorKinds)[number];

/**
 * What went wrong in a secure connection, for the admin to act on: the certificate is signed by a CA
 * that is not trusted (with or without a CA file set), names another host, is out of date; the server
 * does not speak TLS on that port, refuses StartTLS or hangs up on it; the CA file cannot be read; anything else.
 */
export const tlsProblems = ["untrusted", "untrustedNoCa", "hostname", "expired", "notTls", "startTlsRefused", "startTlsClosed", "caFile", "handshake"] as const;
export type TlsProblem = (typeof tlsProblems)[number];

/**
 * A directory failure sorted into what an admin can act on; `messageKey` is its plain-words
 * explanation ("ldap:errors.<kind>", or "ldap:tlsErrors.<problem>" for a TLS failure whose cause is
 * known), `detail` the server's own words for the log and the admin page.
 */
export class DirectoryError extends Error {
  constructor(
    readonly kind: DirectoryErrorKind,
    readonly detail: string,
    readonly tlsProblem?: TlsProblem,
  ) {
    super(`${kind}: ${detail}`);
  }

  get messageKey(): string {
    return this.kind === "tls" && this.tlsProblem ? `ldap:tlsErrors.${this.tlsProblem}` : `ldap:errors.${this.kind}`;
  }
}
