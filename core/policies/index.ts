import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";

/** Core abilities that no module declares; each answered from the instance role. */
const coreAbilities: Record<string, (user: User) => boolean> = {
  "admin.access": (user) => user.isAdmin,
  "users.invite": (user) => user.role !== "guest",
};

/**
 * The one place permission questions are answered. Instance admins hold every permission; otherwise a
 * module permission is granted by role: the instance role for "instance" scope, the role in the
 * container (with the container's overrides) for container scopes.
 */
export async function can(registry: ModuleRegistry, user: User | null, permissionId: string, container?: Container | null): Promise<boolean> {
  if (!user || !user.isActive) return false;
  const core = coreAbilities[permissionId];
  if (core) return core(user);
  const permission = registry.permissions.get(permissionId);
  if (!permission || !registry.isEnabled(permission.moduleId)) return false;
  if (user.isAdmin) return true;
  if (permission.scope === "instance") return permission.defaults.includes(user.role);
  if (!container) return false;
  const containerType = registry.containerTypes.get(container.type);
  if (!containerType) return false;
  const role = await containerType.roleOf(user, container);
  if (!role) return false;
  const granted = (await containerType.grantedRoles?.(container, permissionId)) ?? permission.defaults;
  return granted.includes(role);
}
