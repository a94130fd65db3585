import { createHmac, randomBytes } from "node:crypto";
import { QueryTypes } from "sequelize";
import type { TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";

export interface Ballot {
  status: number;
  location: string;
  text: string;
}

/** A voter without a browser-like client: a session cookie and a CSRF token, posting plain forms with fetch. */
export interface QuickVoter {
  userId: number;
  post(path: string, fields: Record<string, string | string[]>): Promise<Ballot>;
  get(path: string): Promise<Ballot>;
}

/**
 * Many signed-in people at once without hashing a password each: sessions copied from one signed-in client
 * (same CSRF secret) for accounts created without a password, each with its own signed session cookie.
 */
export async function quickVoters(app: TestApp, template: { client: Client; userId: number }, count: number): Promise<QuickVoter[]> {
  const sequelize = app.app.sequelize;
  const [session] = await sequelize.query<{ data: string; expires_at: string | Date }>("SELECT data, expires_at FROM sessions WHERE user_id = :userId ORDER BY expires_at DESC", {
    replacements: { userId: template.userId },
    type: QueryTypes.SELECT,
  });
  if (!session) throw new Error("the template client has no session");
  const voters: QuickVoter[] = [];
  for (let index = 0; index < count; index += 1) {
    const { userId } = await app.createUser({ password: "", displayName: `Quick Voter ${index}` });
    const key = randomBytes(16).toString("hex");
    const data = JSON.stringify({ ...JSON.parse(session.data), userId });
    await sequelize.query("INSERT INTO sessions (id, user_id, data, expires_at, created_at, updated_at) VALUES (:key, :userId, :data, :expires, :now, :now)", {
      replacements: { key, userId, data, expires: new Date(Date.now() + 3600_000), now: new Date() },
    });
    const signature = createHmac("sha1", String((app.app.koa.keys as string[])[0])).update(`agora.sid=${key}`).digest("base64").replace(/\/|\+|=/g, (c) => ({ "/": "_", "+": "-", "=": "" })[c]!);
    const cookie = `agora.sid=${key}; agora.sid.sig=${signature}`;
    voters.push({
      userId,
      async get(path) {
        const response = await fetch(app.url + path, { redirect: "manual", headers: { cookie, accept: "text/html" } });
        return { status: response.status, location: response.headers.get("location") ?? "", text: await response.text() };
      },
      async post(path, fields) {
        const body = new URLSearchParams();
        for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
        body.set("_csrf", template.client.csrfToken);
        const response = await fetch(app.url + path, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, body: body.toString() });
        return { status: response.status, location: response.headers.get("location") ?? "", text: await response.text() };
      },
    });
  }
  return voters;
}
