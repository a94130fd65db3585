import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { postMultipart, type TestFile } from "../../../test/attachments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// A group with documents on and one person of each role, for the tests of the documents' web pages.

export type Person = { client: Client; userId: number };

export interface PagesWorld {
  app: TestApp;
  siteAdmin: Client;
  owner: Person;
  moderator: Person;
  member: Person;
  other: Person;
  group: CreatedGroup;
  docs: string;
  sql: <T extends object>(query: string, replacements?: Record<string, unknown>) => Promise<T[]>;
}

export async function pagesWorld(env: Record<string, string> = {}): Promise<PagesWorld> {
  const app = await startApp({ AGORA_JOBS_POLL_MS: "50", ...env });
  const siteAdmin = (await app.signedIn("admin")).client;
  const owner = await app.signedIn("member", { displayName: "Olivia Owner" });
  const moderator = await app.signedIn("member", { displayName: "Mona Moderator" });
  const member = await app.signedIn("member", { displayName: "Max Member" });
  const other = await app.signedIn("member", { displayName: "Nora Other" });
  if ((await siteAdmin.post("/admin/modules/groups/enable", { state: "enabled" })).status !== 302) throw new Error("groups");
  if ((await siteAdmin.post("/admin/modules/documents/enable", { state: "enabled" })).status !== 302) throw new Error("documents");
  const group = await createGroup(owner.client, { name: "Archive", visibility: "private" });
  await addMember(group.id, moderator.userId, "moderator");
  await addMember(group.id, member.userId, "member");
  await addMember(group.id, other.userId, "member");
  if ((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("documents in the group");
  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
  return { app, siteAdmin, owner, moderator, member, other, group, docs: `${group.url}/documents`, sql };
}

export const text = (value: string, name: string): TestFile => ({ name, data: Buffer.from(value), type: "text/plain" });

export const upload = (person: Person, base: string, files: TestFile[], fields: Record<string, string> = {}) =>
  postMultipart(person.client, `${base}/upload`, { folder: "", note: "", ...fields }, files);

/** Every permission row of the group's matrix, with these changed (the form sends them all). */
export const everyPermission = (overrides: Record<string, string[]>) => ({
  "p.groups.post": ["admin", "moderator", "member"],
  "p.groups.invite": ["admin"],
  "p.documents.view": ["admin", "moderator", "member"],
  "p.documents.upload": ["admin", "moderator", "member"],
  "p.documents.manage-folders": ["admin", "moderator"],
  "p.documents.delete-others": ["admin", "moderator"],
  ...overrides,
});
