import type { Client } from "./client.ts";

/** Publishes a post through the real form and returns its content id (from the redirect to /c/:id). */
export async function publish(client: Client, fields: { target: string; body: string; title?: string }): Promise<number> {
  const response = await client.post("/posts", fields);
  const match = /^\/c\/(\d+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`post refused: ${response.status} ${response.location} ${response.text.slice(0, 300)}`);
  return Number(match[1]);
}

/** The username of an account, for mentions and profile URLs. */
export async function usernameOf(userId: number): Promise<string> {
  const { User } = await import("../../core/models/user.ts");
  return (await User.findByPk(userId))!.username;
}
