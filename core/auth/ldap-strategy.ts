import { Strategy as LocalStrategy } from "passport-local";
import type { AppServices } from "../services.ts";
import type { User } from "../models/user.ts";
import type { LoginFailure } from "./local.ts";
import { DirectoryError } from "./ldap/directory.ts";
import { verifyDirectoryLogin } from "./ldap/authenticator.ts";
import { isDirectoryConfigured, ldapSettingsOf } from "./ldap/settings.ts";
import { provisionAtLogin } from "../commands/ldap-login.ts";

/** Why a sign-in was refused: the local reasons, or the directory could not be asked. */
export type SignInFailure = LoginFailure | "unavailable";

/**
 * passport strategy "ldap": the same login form (login + password), checked against the directory,
 * the account provisioned just in time. A directory that cannot answer is "unavailable", never
 * "invalid": the person is told the directory is down, not that their password is wrong.
 */
export function ldapStrategy(services: AppServices) {
  return new LocalStrategy({ usernameField: "login", passwordField: "password" }, async (login, password, done) => {
    try {
      const settings = await ldapSettingsOf(services.config).get();
      if (!isDirectoryConfigured(settings)) return done(null, false, { message: "invalid" satisfies SignInFailure });
      const verified = await verifyDirectoryLogin(settings, login, password);
      if (!verified.isVerified) {
        services.logger.info({ why: verified.why }, "directory sign-in refused");
        return done(null, false, { message: "invalid" satisfies SignInFailure });
      }
      const result = await provisionAtLogin(services, settings, verified);
      if ("failure" in result) return done(null, false, { message: result.failure });
      return done(null, result.user);
    } catch (error) {
      if (!(error instanceof DirectoryError)) return done(error);
      services.logger.error({ kind: error.kind, detail: error.detail }, "directory sign-in failed: the directory did not answer");
      return done(null, false, { message: "unavailable" satisfies SignInFailure });
    }
  });
}

type Attempt = { user: User | null; reason: SignInFailure };

/**
 * The order of the login form: local accounts first (so a local admin gets in while the directory is
 * down), then the directory. With "local sign-in for admins only", a local non-admin is sent to the
 * directory instead.
 */
export async function authenticateLocalThenDirectory(services: AppServices, login: string, attempt: (strategy: "local" | "ldap") => Promise<Attempt>): Promise<Attempt> {
  // No account name holds a control character; NUL in particular breaks SQLite's inlined query (a 500) and LDAP filters.
  if (/[\u0000-\u001f\u007f]/.test(login)) return { user: null, reason: "invalid" };
  const settings = await ldapSettingsOf(services.config).get();
  const isDirectoryOn = isDirectoryConfigured(settings);
  const local = await attempt("local").then(knownReason);
  const isLocalAllowed = !local.user || local.user.isAdmin || !isDirectoryOn || !settings.isLocalLoginAdminsOnly;
  if (local.user && isLocalAllowed) return local;
  if (!isDirectoryOn || (local.reason !== "invalid" && isLocalAllowed)) return local;
  return attempt("ldap").then(knownReason);
}

const failures: SignInFailure[] = ["invalid", "pending", "disabled", "unavailable"];

/** passport-local answers an empty field with "Missing credentials": that is a refused login like any other. */
function knownReason(result: Attempt): Attempt {
  return failures.includes(result.reason) ? result : { ...result, reason: "invalid" };
}
