import type { Client } from "../../../test/helpers/client.ts";

export interface CreatedGroup {
  id: number;
  slug: string;
  url: string;
}

/** Creates a group through the real form and returns its id and address. */
export async function createGroup(client: Client, fields: { name: string; visibility: "open" | "private" | "secret"; slug?: string; description?: string; tags?: string }): Promise<CreatedGroup> {
  const response = await client.post("/groups/new", { description: "", tags: "", ...fields });
  const match = /^\/g\/([a-z0-9-]+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`group refused: ${response.status} ${response.text.slice(0, 500)}`);
  const { Group } = await import("../models/group.ts");
  const group = (await Group.findOne({ where: { slug: match[1] } }))!;
  return { id: group.id, slug: group.slug, url: `/g/${group.slug}` };
}

/** Adds someone to a group with a role, straight in the database (set-up only; the HTTP flows are tested on their own). */
export async function addMember(groupId: number, userId: number, role: "owner" | "admin" | "moderator" | "member" = "member") {
  const { GroupMembership } = await import("../models/membership.ts");
  await GroupMembership.create({ groupId, userId, role });
}

/** A group's row as stored now (the tests read what a request wrote). */
export async function groupRow(id: number) {
  const { Group } = await import("../models/group.ts");
  return (await Group.findByPk(id))!;
}
