import { Group, containerOf } from "./models/group.ts";
import type { User, ActionHooks, Container, Host } from "../../core/sdk/index.ts";

/** What the groups module tells other modules (notifications, search...), by declaration merging into the SDK's ActionHooks. */
declare module "../../core/sdk/index.ts" {
  interface ActionHooks {
    "groups.member.joined": { group: Container; userId: number };
    "groups.requested": { group: Container; userId: number };
    "groups.request.approved": { group: Container; userId: number; by: User };
    /** userId for an account, email for an address invited by link. */
    "groups.invited": { group: Container; userId: number | null; email: string | null; by: User };
    "groups.deleted": { group: Container; by: User };
  }
}

type GroupEvent = Extract<keyof ActionHooks, `groups.${string}`>;

export function emitGroupEvent<K extends GroupEvent>(host: Host, name: K, payload: ActionHooks[K]) {
  return host.emit(name, payload);
}

/** Announces joins made without a person's click (default groups, directory mapping), once they are written. */
export async function emitJoins(host: Host, userId: number, groupIds: number[]) {
  if (groupIds.length === 0) return;
  for (const group of await Group.findAll({ where: { id: groupIds } })) await emitGroupEvent(host, "groups.member.joined", { group: containerOf(group), userId });
}
