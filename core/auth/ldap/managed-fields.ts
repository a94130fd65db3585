import type { Config } from "../../../config/index.ts";
import type { User } from "../../models/user.ts";
import { DirectoryAccount } from "./directory-account.ts";
import { ldapSettingsOf, type AttributeField } from "./settings.ts";

/** The account and profile fields a sign-in or a sync may overwrite with the directory's values. */
export type ManagedField = "displayName" | "email" | "jobTitle" | "department" | "phone" | "manager" | "photo";

/** Which directory attribute feeds each field (ldap-provisioner.ts: writeDirectoryAccount, desiredProfile, writePhoto). */
const sourceOf: Record<Exclude<ManagedField, "displayName">, AttributeField> = {
  email: "email",
  jobTitle: "title",
  department: "department",
  phone: "phone",
  manager: "manager",
  photo: "photo",
};

/**
 * The fields the company directory manages for this person, which they must not edit (the next
 * sign-in or sync would undo it): none for a local account; for a directory account, every field
 * whose attribute the settings map. The name is always the directory's. The photo only once the
 * directory gave one: a person without a directory photo may upload their own, which it leaves alone.
 */
export async function directoryManagedFields(config: Config, user: Pick<User, "id" | "authSource">): Promise<Set<ManagedField>> {
  if (user.authSource !== "ldap") return new Set();
  const { attributes } = await ldapSettingsOf(config).get();
  const managed = new Set<ManagedField>(["displayName"]);
  for (const [field, attribute] of Object.entries(sourceOf) as [Exclude<ManagedField, "displayName">, AttributeField][]) {
    if (attributes[attribute] && field !== "photo") managed.add(field);
  }
  if (attributes.photo) {
    const account = await DirectoryAccount.findByPk(user.id, { attributes: ["photoHash"] });
    if (account?.photoHash) managed.add("photo");
  }
  return managed;
}
