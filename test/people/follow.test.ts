import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { UserFollow } from "../../core/models/mention.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("following puts someone's profile posts on the follower's dashboard; unfollowing takes them away", async (t) => {
  const author = await app.signedIn("member", { displayName: "Olga Author" });
  const follower = await app.signedIn("member", { displayName: "Finn Follower" });
  const username = await usernameOf(author.userId);
  const id = await publish(author.client, { target: `user:${author.userId}`, body: "Notes from my profile wall" });

  const profile = await follower.client.get(`/u/${username}`);
  t.true(profile.text.includes("Notes from my profile wall"), "the profile stream shows the post");
  t.true(profile.text.includes("0 followers"));
  t.regex(profile.text, new RegExp(`action="/u/${username}/follow"`));
  t.false(profile.text.includes('class="composer card"'), "no composer on someone else's profile");
  t.false((await follower.client.get("/")).text.includes("Notes from my profile wall"), "not followed yet");

  const emitted: number[] = [];
  // Hooks run for enabled modules: listen as one of them, as a notifications module would.
  const listener = app.app.registry.list().find((module) => module.isEnabled);
  t.truthy(listener, "some module is on");
  app.app.registry.hooks.on(listener!.id, "user.followed", ({ followed }: { followed: { id: number } }) => void emitted.push(followed.id));
  const followed = await follower.client.post(`/u/${username}/follow`);
  t.is(followed.status, 302);
  t.is(followed.location, `/u/${username}`);
  t.true((await follower.client.post(`/u/${username}/follow`)).status === 302, "following twice is harmless");
  t.is(await UserFollow.count({ where: { followerId: follower.userId, followedId: author.userId } }), 1);
  t.deepEqual(emitted, [author.userId], "modules hear of a new follow once");

  const dashboard = await follower.client.get("/");
  t.true(dashboard.text.includes("Notes from my profile wall"));
  t.true(dashboard.text.includes(`/c/${id}`));
  const after = await follower.client.get(`/u/${username}`);
  t.true(after.text.includes("1 follower"));
  t.true((await follower.client.get(`/u/${await usernameOf(follower.userId)}`)).text.includes("follows 1"), "the follower's own profile counts whom they follow");
  t.regex(after.text, new RegExp(`action="/u/${username}/unfollow"`));

  t.is((await follower.client.post(`/u/${username}/unfollow`)).status, 302);
  t.false((await follower.client.get("/")).text.includes("Notes from my profile wall"));
  t.is(await UserFollow.count({ where: { followerId: follower.userId } }), 0);
});

test.serial("nobody follows themselves; the owner gets a composer on their own profile", async (t) => {
  const { client, userId } = await app.signedIn("member");
  const username = await usernameOf(userId);
  t.is((await client.post(`/u/${username}/follow`)).status, 403);
  const own = await client.get(`/u/${username}`);
  t.true(own.text.includes('class="composer card"'));
  t.true(own.text.includes(`name="target" value="user:${userId}"`));
  t.true(own.text.includes(`name="returnTo" value="/u/${username}"`));
  t.false(own.text.includes(`/u/${username}/follow`));
  const post = await client.post("/posts", { target: `user:${userId}`, body: "Posted from my profile", returnTo: `/u/${username}` });
  t.is(post.location, `/u/${username}`);
  const page = await client.get(`/u/${username}`);
  t.true(page.text.includes("Posted from my profile"));
  t.false(page.text.includes("→"), "entries on the profile page do not repeat where they are");
  t.is((await client.post("/u/nobody-here/follow")).status, 404);
});
