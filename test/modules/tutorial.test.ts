import { readFileSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { entryHtml } from "../comments/helpers.ts";
import { pngImage, postMultipart } from "../attachments/helpers.ts";
import { notificationsOf, openEvents, queueDrained, waitUntil } from "../notifications/helpers.ts";
import { importGraph, importsAcross, sourceFiles } from "../architecture/import-graph.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// The idea box built step by step in docs/modules.md (test/fixtures/modules/tutorial-ideas), walked as its
// users would: post, vote, badges, the admin page, settings, the profile tab, the job, live counts, the
// sketch, a group's removal. Then the tutorial's snippets are checked against the module's files.
const root = path.resolve(import.meta.dirname, "../..");
const moduleDir = "test/fixtures/modules/tutorial-ideas";

let app: TestApp;
let admin: Client;
let author: { client: Client; userId: number };
let voter: { client: Client; userId: number };
let second: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let garden: CreatedGroup;
let elsewhere: CreatedGroup;
const idea: { contentId: number; ideaId: number; fileId: number } = { contentId: 0, ideaId: 0, fileId: 0 };

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "tutorial-ideas"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  author = await app.signedIn("member", { displayName: "Iris Idea" });
  voter = await app.signedIn("member", { displayName: "Victor Voter" });
  second = await app.signedIn("member", { displayName: "Sam Second" });
  outsider = await app.signedIn("member", { displayName: "Olga Outsider" });
  garden = await createGroup(author.client, { name: "Idea garden", visibility: "secret" });
  elsewhere = await createGroup(author.client, { name: "No ideas here", visibility: "open" });
  for (const member of [voter, second]) await addMember(garden.id, member.userId);
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const voteCount = async () => (await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM tutorial_idea_votes WHERE idea_id = :id", { id: idea.ideaId }))[0]?.n;
const shownVotes = (html: string) => /data-idea-votes="\d+">(\d+)<\/strong>/.exec(entryHtml(html, idea.contentId))?.[1] ?? null;
const vote = (client: Client) => client.post(`/tutorial-ideas/${idea.contentId}/vote`, {});
/** Runs one period of the module's periodic job now, through the job queue, as the worker would. */
async function runPopularJob() {
  const { enqueueJob } = await import("../../core/jobs/queue.ts");
  const period = Date.now();
  await enqueueJob("tutorial-ideas.every.mark-popular", { period }, { key: `tutorial-test:${period}` });
  await queueDrained();
}

test.serial("step 2: a group's owner switches the idea box on; its tab shows in that group's composer only", async (t) => {
  t.is((await author.client.post(`${garden.url}/modules/tutorial-ideas`, { state: "enabled" })).status, 302);
  t.regex((await author.client.get(garden.url)).text, /data-kind="tutorial-idea"[^>]*>Idea<\/a>/);
  t.false((await author.client.get(elsewhere.url)).text.includes('data-kind="tutorial-idea"'));
  const opened = await author.client.get(`${garden.url}?kind=tutorial-idea`);
  t.regex(opened.text, /<label for="f-body">Your idea<\/label>/, "core's text box is the idea's title");
  t.regex(opened.text, /<label for="f-idea-description">Why it matters \(optional\)<\/label>/);
});

test.serial("step 2: an idea with a sketch posted from the composer writes its row, its file and its entry", async (t) => {
  const refused = await author.client.post("/compose/tutorial-idea", { target: `group:${garden.id}`, returnTo: garden.url, body: "Too long", description: "x".repeat(2001) });
  t.is(refused.status, 422);
  t.true(refused.text.includes("Keep the description under 2000 characters."));
  t.is((await author.client.post("/compose/tutorial-idea", { target: `group:${elsewhere.id}`, returnTo: elsewhere.url, body: "Off here" })).status, 403, "the module is off in that group");
  t.deepEqual(await sql("SELECT id FROM tutorial_ideas"), [], "nothing written");

  const posted = await postMultipart(author.client, "/compose/tutorial-idea", { target: `group:${garden.id}`, returnTo: garden.url, body: "Bike racks by the door", description: "Half of us cycle in." }, [
    { name: "racks.png", data: await pngImage(40, 30) },
  ]);
  t.is(posted.status, 303);
  t.is(posted.location, garden.url);
  const [row] = await sql<{ id: number; title: string; description: string; container_type: string; container_id: number; sketch_file_id: number }>("SELECT * FROM tutorial_ideas");
  if (!row) return t.fail("no idea row");
  t.like(row, { title: "Bike racks by the door", description: "Half of us cycle in.", container_type: "group", container_id: garden.id });
  const { Content } = await import("../../core/models/content.ts");
  const content = (await Content.findOne({ where: { type: "tutorial-idea", refId: row.id } }))!;
  Object.assign(idea, { contentId: content.id, ideaId: row.id, fileId: row.sketch_file_id });
  t.truthy(idea.fileId, "the sketch is stored with host.files");

  const page = entryHtml((await voter.client.get(garden.url)).text, idea.contentId);
  t.regex(page, /<p class="idea-title">Bike racks by the door<\/p>/);
  t.true(page.includes(`<img class="idea-sketch" src="/tutorial-ideas/sketches/${idea.fileId}"`));
  t.regex(page, /<form method="post" action="\/tutorial-ideas\/\d+\/vote">[\s\S]*?>\+1<\/button>/, "the +1 action under the entry");
});

test.serial("step 3: a vote counts once however often it is sent, and shows on the next load of a cached entry", async (t) => {
  t.is(shownVotes((await voter.client.get(garden.url)).text), "0");
  t.is(shownVotes((await voter.client.get(garden.url)).text), "0", "now from the reader's entry cache");
  const watching = await openEvents(author.client, `/live/events?watch=group:${garden.id}`);
  try {
    await watching.waitFor("unread");
    const first = await vote(voter.client);
    t.is(first.status, 302);
    t.is(first.location, `/c/${idea.contentId}`);
    t.is((await vote(voter.client)).status, 302);
    await Promise.all([vote(second.client), vote(second.client), vote(second.client)]);
    t.is(Number(await voteCount()), 2, "one vote per person, even sent at once");
    t.is(shownVotes((await voter.client.get(garden.url)).text), "2", "the cached entry was drawn again");
    // Step 7: the readers' open pages hear the new count.
    const heard = await watching.waitFor("module", (data) => (data as { data: { votes: number } }).data.votes === 2);
    t.deepEqual(heard, { module: "tutorial-ideas", name: "votes", container: `group:${garden.id}`, data: { ideaId: idea.ideaId, votes: 2 } });
  } finally {
    watching.close();
  }
  t.is((await vote(outsider.client)).status, 404, "an outsider cannot vote on what they cannot read");
  t.is((await app.client().post(`/tutorial-ideas/${idea.contentId}/vote`, {})).status, 302, "signed out: to the login page");
  t.is(Number(await voteCount()), 2);
  // Switched off in the group, the module takes no vote there (host.isOnIn); switched on again, it does.
  t.is((await author.client.post(`${garden.url}/modules/tutorial-ideas`, { state: "disabled" })).status, 302);
  t.is((await vote(outsider.client)).status, 404);
  t.is((await vote(second.client)).status, 404, "a member cannot vote while the module is off in the group");
  t.is(Number(await voteCount()), 2);
  t.is((await author.client.post(`${garden.url}/modules/tutorial-ideas`, { state: "enabled" })).status, 302);
});

test.serial("step 8: the author is told of votes, in one folded line", async (t) => {
  const notes = await waitUntil(async () => {
    const found = (await notificationsOf(author.userId)).filter((note) => note.type === "tutorial-ideas.voted");
    return found.length > 0 && found[0].actorCount >= 2 ? found : null;
  }, "the vote notification");
  t.is(notes.length, 1);
  t.is(notes[0].contentId, idea.contentId);
  const page = (await author.client.get("/notifications")).text;
  t.regex(page, /and 1 other person voted for your idea/);
  t.deepEqual((await notificationsOf(voter.userId)).filter((note) => note.type === "tutorial-ideas.voted"), [], "voters get nothing");
});

test.serial("step 4: admins set a status on the admin page and the idea wears its badge; members are refused", async (t) => {
  t.is((await voter.client.get("/admin/tutorial-ideas")).status, 403);
  t.is((await voter.client.post(`/admin/tutorial-ideas/${idea.ideaId}/status`, { status: "planned" })).status, 403);
  const page = await admin.get("/admin/tutorial-ideas");
  t.is(page.status, 200);
  t.regex(page.text, /<a[^>]*href="\/admin\/tutorial-ideas"[^>]*>Ideas<\/a>/, "its entry in the admin sidebar");
  t.true(page.text.includes("<td>Bike racks by the door</td>"));
  t.is((await admin.post(`/admin/tutorial-ideas/${idea.ideaId}/status`, { status: "someday" })).status, 422);
  t.is((await admin.post("/admin/tutorial-ideas/999999/status", { status: "planned" })).status, 404);
  t.deepEqual(await sql("SELECT status FROM tutorial_ideas"), [{ status: "new" }], "refusals change nothing");

  t.false(entryHtml((await voter.client.get(garden.url)).text, idea.contentId).includes("Planned"));
  t.is((await admin.post(`/admin/tutorial-ideas/${idea.ideaId}/status`, { status: "planned" })).status, 302);
  t.regex(entryHtml((await voter.client.get(garden.url)).text, idea.contentId), /<span class="badge entry-badge ok">Planned<\/span>/);
});

test.serial("steps 5 and 6: the site's and the group's settings, read by the job that marks popular ideas", async (t) => {
  t.is((await admin.post("/admin/modules/tutorial-ideas/settings", { popularAt: "0" })).status, 422);
  t.is((await admin.post("/admin/modules/tutorial-ideas/settings", { popularAt: "5" })).status, 302);
  t.true((await admin.get("/admin/tutorial-ideas")).text.includes("An idea becomes popular with 5 votes."));
  await runPopularJob();
  const isPopular = async () => Boolean((await sql<{ is_popular: unknown }>("SELECT is_popular FROM tutorial_ideas WHERE id = :id", { id: idea.ideaId }))[0]?.is_popular);
  t.false(await isPopular(), "2 votes of 5");

  t.is((await voter.client.post(`${garden.url}/tutorial-ideas/settings`, { popularAt: "2" })).status, 403, "a member does not manage the group");
  t.is((await author.client.post(`${garden.url}/tutorial-ideas/settings`, { popularAt: "2" })).status, 302);
  t.regex((await author.client.get(`${garden.url}/tutorial-ideas/settings`)).text, /name="popularAt"[^>]*value="2"/);
  await runPopularJob();
  t.true(await isPopular(), "2 votes of the group's 2");
  t.regex(entryHtml((await voter.client.get(garden.url)).text, idea.contentId), /<span class="badge entry-badge"><span aria-hidden="true">★<\/span> Popular<\/span>/);
});

test.serial("step 10: the profile tab lists the person's ideas the viewer may read", async (t) => {
  const tab = `/u/${await usernameOf(author.userId)}/tutorial-ideas`;
  t.true((await voter.client.get(`/u/${await usernameOf(author.userId)}`)).text.includes(`href="${tab}"`));
  const seen = await voter.client.get(tab);
  t.is(seen.status, 200);
  t.true(seen.text.includes(`<a href="/c/${idea.contentId}">Bike racks by the door</a>`));
  const hidden = await outsider.client.get(tab);
  t.is(hidden.status, 200);
  t.false(hidden.text.includes("Bike racks"), "an idea of a secret group stays out of an outsider's view");
  t.true(hidden.text.includes("No idea yet."));
});

test.serial("step 9: the sketch is served to the idea's readers only", async (t) => {
  const sketch = `/tutorial-ideas/sketches/${idea.fileId}`;
  const seen = await voter.client.get(sketch);
  t.is(seen.status, 200);
  t.is(seen.headers.get("content-type"), "image/png");
  t.is((await outsider.client.get(sketch)).status, 404);
  t.is((await app.client().get(sketch)).status, 404);
  t.is((await voter.client.get("/tutorial-ideas/sketches/999999")).status, 404);
});

test.serial("step 10: its stylesheet and script are in the site's bundles", async (t) => {
  const home = (await voter.client.get("/")).text;
  const css = /<link rel="stylesheet" href="([^"]+)"/.exec(home)?.[1];
  const js = /<script src="([^"]+)" defer><\/script>/.exec(home)?.[1];
  t.truthy(css && js);
  t.true((await voter.client.get(css!)).text.includes(".idea-sketch"));
  t.true((await voter.client.get(js!)).text.includes('module !== "tutorial-ideas"'));
});

test.serial("step 11: removing the group removes its ideas, votes and sketch", async (t) => {
  t.is((await author.client.post(`${garden.url}/delete`, { confirm: garden.slug })).status, 302);
  t.deepEqual(await sql("SELECT id FROM tutorial_ideas"), []);
  t.deepEqual(await sql("SELECT id FROM tutorial_idea_votes"), []);
  t.deepEqual(await sql("SELECT id FROM module_files WHERE id = :id", { id: idea.fileId }), []);
});

test("the module imports core only through core/sdk/index.ts", (t) => {
  const graph = importGraph(root, sourceFiles(root, [moduleDir]));
  t.true(graph.size >= 8);
  t.deepEqual(importsAcross(graph, moduleDir, "core").filter((line) => !line.endsWith("→ core/sdk/index.ts")), []);
});

// The tutorial cannot go stale: each code block of "Build a module step by step" marked with its file
// (<!-- file: path --> on the line before the fence) appears in that file, line for line (each line
// trimmed: indentation may differ), and every block of code in that part is marked.
const tutorialStart = "## Build a module step by step";

/** What is wrong with the tutorial's code blocks: one line per block that is not in its file, unmarked or names no file. */
function staleSnippets(markdown: string, readFile: (file: string) => string | null): string[] {
  const start = markdown.indexOf(tutorialStart);
  if (start < 0) return [`no "${tutorialStart}" part`];
  const end = markdown.indexOf("\n## ", start + tutorialStart.length);
  const part = markdown.slice(start, end < 0 ? undefined : end);
  const problems: string[] = [];
  const blocks = [...part.matchAll(/(?:<!-- file: (\S+) -->\n)?```(\w*)\n([\s\S]*?)\n```/g)];
  for (const [, file, language, code] of blocks) {
    const firstLine = code.split("\n")[0];
    if (!file) {
      if (language) problems.push(`a ${language} block names no file: ${firstLine}`);
      continue;
    }
    const text = readFile(file);
    if (text === null) {
      problems.push(`${file} does not exist`);
      continue;
    }
    const lines = (value: string) => value.trim().split("\n").map((line) => line.trim());
    const wanted = lines(code);
    const have = lines(text);
    const found = have.some((_, index) => wanted.every((line, offset) => have[index + offset] === line));
    if (!found) problems.push(`${file}: not found in the file: ${firstLine}`);
  }
  if (blocks.filter(([, file]) => file).length === 0) problems.push("no block names its file");
  return problems;
}

const readProjectFile = (file: string) => {
  try {
    return readFileSync(path.join(root, file), "utf8");
  } catch {
    return null;
  }
};

test("every code block of the tutorial in docs/modules.md is in the tutorial module's files", (t) => {
  const docs = readFileSync(path.join(root, "docs/modules.md"), "utf8");
  t.true((docs.match(/<!-- file: test\/fixtures\/modules\/tutorial-ideas\//g) ?? []).length >= 30, "the tutorial quotes the module throughout");
  t.deepEqual(staleSnippets(docs, readProjectFile), []);
});

test("the snippet check fails on an edited snippet, an unmarked block and a missing file", (t) => {
  const docs = readFileSync(path.join(root, "docs/modules.md"), "utf8");
  const edited = docs.replace('host.jobs.every("mark-popular", 3600_000,', 'host.jobs.every("mark-popular", 60_000,');
  t.not(edited, docs);
  t.deepEqual(staleSnippets(edited, readProjectFile), ["test/fixtures/modules/tutorial-ideas/index.ts: not found in the file: host.jobs.every(\"mark-popular\", 60_000, () => markPopularIdeas(host));"]);
  const moduleGone = docs.replace(/<!-- file: test\/fixtures\/modules\/tutorial-ideas\/badges\.ts -->/, "<!-- file: test/fixtures/modules/tutorial-ideas/gone.ts -->");
  t.deepEqual(staleSnippets(moduleGone, readProjectFile), ["test/fixtures/modules/tutorial-ideas/gone.ts does not exist"]);
  const unmarked = docs.replace(/<!-- file: test\/fixtures\/modules\/tutorial-ideas\/popular\.ts -->\n/, "");
  t.deepEqual(staleSnippets(unmarked, readProjectFile), ['a ts block names no file: /** Marks "Popular" the ideas with enough votes: the group\'s number if it set one, else the site\'s. */']);
  t.deepEqual(staleSnippets("# Modules\n", readProjectFile), [`no "${tutorialStart}" part`]);
});
