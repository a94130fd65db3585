import { QueryTypes } from "sequelize";
import type { TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// Shared by the WebDAV tests: a signed-in person with an app password, a WebDAV request, lock bodies and tokens.

export type DavPerson = { client: Client; userId: number; username: string; token: string };
export type DavAnswer = { status: number; headers: Headers; text: string };

export const sqlOf =
  (app: TestApp) =>
  <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

/**
 * The usual stage of a WebDAV test: groups and documents on for the site; an owner (a moderator of the groups'
 * documents) and members, each with an app password; private groups with documents on, every member in each.
 */
export async function davStage(app: TestApp, groupNames: string[], memberNames: string[]): Promise<{ owner: DavPerson; members: DavPerson[]; groups: CreatedGroup[] }> {
  const siteAdmin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "documents"]) if ((await siteAdmin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  const owner = await davPerson(app, "Olivia Owner");
  const members: DavPerson[] = [];
  for (const name of memberNames) members.push(await davPerson(app, name));
  const groups: CreatedGroup[] = [];
  for (const name of groupNames) {
    const group = await createGroup(owner.client, { name, visibility: "private" });
    for (const member of members) await addMember(group.id, member.userId, "member");
    if ((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("switch");
    groups.push(group);
  }
  return { owner, members, groups };
}

/** A new member of the site with one app password (as their account page shows it once). */
export async function davPerson(app: TestApp, name: string, role: "member" | "admin" = "member"): Promise<DavPerson> {
  const signed = await app.signedIn(role, { displayName: name });
  const created = await signed.client.post("/documents/app-passwords", { name: "WebDAV" });
  const token = /<code class="documents-token">([A-Za-z0-9_-]{43})<\/code>/.exec(created.text)?.[1];
  if (!token) throw new Error("no app password");
  const [user] = await sqlOf(app)<{ username: string }>("SELECT username FROM users WHERE id = :id", { id: signed.userId });
  return { client: signed.client, userId: signed.userId, username: user.username, token };
}

export const basic = (who: Pick<DavPerson, "username" | "token">) => `Basic ${Buffer.from(`${who.username}:${who.token}`).toString("base64")}`;

/** One WebDAV request; a body given as chunks is sent chunked (no Content-Length), as Finder sends its writes. */
export async function davRequest(baseUrl: string, method: string, url: string, who: Pick<DavPerson, "username" | "token"> | null, headers: Record<string, string> = {}, body?: string | Buffer | string[]): Promise<DavAnswer> {
  const payload = Array.isArray(body)
    ? new ReadableStream({
        start(controller) {
          for (const chunk of body) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      })
    : typeof body === "string" || body === undefined
      ? body
      : new Uint8Array(body);
  const response = await fetch(baseUrl + url, {
    method,
    headers: { ...(who ? { authorization: basic(who) } : {}), ...headers },
    body: payload,
    redirect: "manual",
    ...(Array.isArray(body) ? { duplex: "half" } : {}),
  } as RequestInit);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export const lockinfo = (owner = "http://www.apple.com/webdav_fs/", scope = "exclusive") =>
  `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>${owner}</D:href></D:owner></D:lockinfo>`;

export const tokenOf = (response: { headers: Headers }) => /^<(urn:uuid:[0-9a-f-]{36})>$/.exec(response.headers.get("lock-token") ?? "")?.[1] ?? "";

/** Windows' PROPPATCH of its file times, as File Explorer sends it after a save. */
export const windowsTimes = `<?xml version="1.0" encoding="utf-8" ?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop><Z:Win32CreationTime>Sat, 05 Dec 2026 12:00:00 GMT</Z:Win32CreationTime><Z:Win32LastModifiedTime>Sat, 05 Dec 2026 12:00:00 GMT</Z:Win32LastModifiedTime><Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set></D:propertyupdate>`;

/** Finder's PROPPATCH after a copy (its Finder info, in Apple's namespace). */
export const finderProps = `<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><A:com.apple.FinderInfo xmlns:A="http://www.apple.com/webdav_fs/props/">AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</A:com.apple.FinderInfo></D:prop></D:set></D:propertyupdate>`;
