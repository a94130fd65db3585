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

/**
 * `can` for many containers of one type and a few permissions: which of `ids` grant the user each one. A
 * constant number of queries whatever the number of containers (the user's roles there, and the containers'
 * choices, when the type answers grantedRolesIn; else one query per container holding a role).
 */
export async function permittedIds(registry: ModuleRegistry, user: User | null, permissionIds: string[], containerType: string, ids: number[]): Promise<Map<string, Set<number>>> {
  const permitted = new Map(permissionIds.map((id) => [id, new Set<number>()]));
  const unique = [...new Set(ids)];
  const definition = registry.containerTypes.get(containerType);
  if (!user || !user.isActive || unique.length === 0 || !definition) return permitted;
  const container = (id: number): Container => ({ type: containerType, id, slug: "", name: "" });
  let roles: Map<number, string> | null = null;
  let choices: Map<number, Map<string, string[]>> | null = null;
  for (const permissionId of permissionIds) {
    const granted = permitted.get(permissionId)!;
    const permission = registry.permissions.get(permissionId);
    if (permissionId in coreAbilities || !permission || !registry.isEnabled(permission.moduleId) || user.isAdmin || permission.scope === "instance") {
      if (await can(registry, user, permissionId, container(unique[0]))) for (const id of unique) granted.add(id);
      continue;
    }
    roles ??= await definition.rolesOf(user, unique);
    if (roles.size && definition.grantedRolesIn) choices ??= await definition.grantedRolesIn([...roles.keys()], permissionIds);
    for (const [id, role] of roles) {
      const chosen = definition.grantedRolesIn ? choices?.get(id)?.get(permissionId) : await definition.grantedRoles?.(container(id), permissionId);
      if ((chosen ?? permission.defaults).includes(role)) granted.add(id);
    }
  }
  return permitted;
}
