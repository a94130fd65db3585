import type { User } from "../../models/user.ts";

/**
 * What directory sign-in announces to modules. The groups module maps directory groups to Agora
 * groups by handling "ldap.memberships": core knows nothing of groups, it only says who is in which
 * directory group, at every login and for every account at every sync.
 */
export interface LdapMembershipsPayload {
  user: User;
  /**
   * Every directory group the user belongs to, directly or through nested groups, in normal form
   * (normalizeDn in core/auth/ldap/dn.ts: lower case, RFC 4514 escapes). An empty list means "in no
   * group": mapped memberships should then be taken away.
   */
  groupDns: string[];
  via: "login" | "sync";
}

declare module "../../modules/types.ts" {
  interface ActionHooks {
    "ldap.memberships": LdapMembershipsPayload;
  }
}
