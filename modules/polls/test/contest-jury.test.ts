import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// A contest's jury over HTTP: the author names jurors among the group's members on the settings page, jurors
// score approved entries 0–10 (never their own, changeable, hidden until the close), and the close ranks entries
// by the public vote and the jury's average combined (jury.ts), the announcement naming the combined winner.
let app: TestApp;
type Person = { client: Client; userId: number; username: string };
let author: Person;
let mia: Person;
let carl: Person;
let vic: Person;
let jo: Person;
let outsider: Person;
let group: CreatedGroup;

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  const owner = (await app.signedIn("member", { displayName: "Gina Groupowner" })).client;
  group = await createGroup(owner, { name: "Jury room", visibility: "private" });
  const person = async (displayName: string) => {
    const signed = await app.signedIn("member", { displayName });
    const [row] = await sql<{ username: string }>("SELECT username FROM users WHERE id = :id", { id: signed.userId });
    return { ...signed, username: row.username };
  };
  author = await person("Ann Author");
  mia = await person("Mia Member");
  carl = await person("Carl Colleague");
  vic = await person("Vic Voter");
  jo = await person("Jo Juror");
  outsider = await person("Otto Outsider");
  for (const member of [author, mia, carl, vic, jo]) await addMember(group.id, member.userId);
  if ((await owner.post(`${group.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls not on in the group");
});
test.after.always(() => app?.close());

test.serial("a jury named by the author scores entries, hidden until the close; the combined ranking picks the winner", async (t) => {
  const hour = 3600_000;
  t.is((await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: "Best photo", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "1", votesPerPerson: "1" })).status, 303);
  const [poll] = await sql<{ id: number; jury_weight: number }>("SELECT id, jury_weight FROM polls WHERE title = 'Best photo'");
  t.is(Number(poll.jury_weight), 50, "the jury weighs 50 % by default");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  t.is((await mia.client.post(`${base}/entries`, { label: "Sunset" })).status, 303);
  t.is((await carl.client.post(`${base}/entries`, { label: "Mountain" })).status, 303);
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const sunset = options.find((option) => option.label === "Sunset")!.id;
  const mountain = options.find((option) => option.label === "Mountain")!.id;
  const jurors = () => sql<{ user_id: number }>("SELECT user_id FROM poll_jurors WHERE poll_id = :id ORDER BY user_id", { id: poll.id });
  const scores = () => sql<{ option_id: number; juror_id: number; score: number }>("SELECT option_id, juror_id, score FROM poll_jury_scores WHERE poll_id = :id ORDER BY juror_id, option_id", { id: poll.id });

  // Naming jurors: the author only, on the settings page, members of the group only.
  const settings = await author.client.get(`${base}/settings`);
  t.is(settings.status, 200);
  t.true(settings.text.includes('action="/polls/' + content.id + '/jury"'), "the settings page has the jury form");
  t.is((await mia.client.get(`${base}/settings`)).status, 403);
  t.is((await mia.client.post(`${base}/jury`, { juror: String(jo.userId), juryWeight: "50" })).status, 403, "a member may not name jurors");
  t.is((await outsider.client.post(`${base}/jury`, { juror: String(outsider.userId), juryWeight: "50" })).status, 404, "an outsider does not see the contest");
  const unknown = await author.client.post(`${base}/jury`, { juror: [String(jo.userId), "999999"], juryWeight: "50" });
  t.is(unknown.status, 422);
  t.true(unknown.text.includes("A juror could not be found"));
  const notMember = await author.client.post(`${base}/jury`, { juror: String(outsider.userId), juryWeight: "50" });
  t.is(notMember.status, 422);
  t.true(notMember.text.includes("Jurors must be members of the contest"));
  t.is((await author.client.post(`${base}/jury`, { juror: String(jo.userId), juryWeight: "150" })).status, 422, "a weight over 100 is refused");
  for (const weight of ["", "-5", "50.5", "half"]) t.is((await author.client.post(`${base}/jury`, { juror: String(jo.userId), juryWeight: weight })).status, 422, `weight "${weight}" is refused`);
  t.deepEqual(await jurors(), [], "nothing written");
  t.is((await author.client.post(`${base}/jury`, { juror: [jo, carl, vic].map((person) => String(person.userId)), juryWeight: "50" })).status, 303);
  t.is((await author.client.post(`${base}/jury`, { juror: [jo, carl].map((person) => String(person.userId)), juryWeight: "50" })).status, 303, "Vic taken off the jury");
  t.deepEqual((await jurors()).map((row) => Number(row.user_id)), [carl.userId, jo.userId].sort((a, b) => a - b));
  const form = (await author.client.get(`${base}/settings`)).text;
  const ticked = [...form.matchAll(/<input type="checkbox" name="juror" value="(\d+)" checked> ([^<]+) <span class="muted">@([^<]+)<\/span>/g)].map((match) => [Number(match[1]), match[2], match[3]]);
  t.deepEqual(ticked, [[jo.userId, "Jo Juror", jo.username], [carl.userId, "Carl Colleague", carl.username]], "the form ticks the jurors, in order");
  // The members to choose from: the group's (host.members), not the outsider; a search narrows them (no JavaScript).
  const offered = (html: string) => [...html.matchAll(/<input type="checkbox" name="juror" value="(\d+)"> ([^<]+) </g)].map((match) => match[2]);
  t.deepEqual(offered(form), ["Ann Author", "Gina Groupowner", "Mia Member", "Vic Voter"], "every other member, by name");
  t.deepEqual(offered((await author.client.get(`${base}/settings?jurorQuery=mia`)).text), ["Mia Member"]);
  const none = (await author.client.get(`${base}/settings?jurorQuery=otto`)).text;
  t.deepEqual(offered(none), [], "an outsider is not offered");
  t.true(none.includes("No other member matches."));
  t.is((await author.client.get(`${base}/settings?jurorsAfter=garbage`)).status, 400, "a malformed page cursor is a 400");

  const { clock } = await import("../clock.ts");
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    // Scoring: jurors only, 0–10, approved entries of this contest, never one's own; all or nothing.
    const vicScores = await vic.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "7" });
    t.is(vicScores.status, 403, "a member who is not a juror may not score");
    t.true(vicScores.text.includes("Only this contest&#39;s jurors") || vicScores.text.includes("Only this contest's jurors"));
    t.is((await author.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "7" })).status, 403, "nor may the author who is not a juror");
    t.is((await outsider.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "7" })).status, 404, "an outsider does not see the contest");
    for (const bad of ["11", "-1", "7.5", "ten"]) {
      const refused = await jo.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "5", [`score${mountain}`]: bad });
      t.is(refused.status, 422, `score ${bad} is refused`);
      t.true(refused.text.includes("whole number from 0 to 10"));
    }
    const unknownEntry = await jo.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "5", score999999: "5" });
    t.is(unknownEntry.status, 422);
    t.true(unknownEntry.text.includes("not an approved entry"));
    const own = await carl.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "4", [`score${mountain}`]: "10" });
    t.is(own.status, 403, "a juror may not score their own entry");
    t.true(own.text.includes("You may not score your own entry"));
    t.deepEqual(await scores(), [], "nothing written by any refused score");

    t.is((await jo.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "5", [`score${mountain}`]: "10" })).status, 303);
    t.is((await jo.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "2", [`score${mountain}`]: "" })).status, 303, "a juror changes a score");
    t.is((await carl.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "4" })).status, 303);
    t.deepEqual(
      (await scores()).map((row) => [Number(row.juror_id), Number(row.option_id), Number(row.score)]),
      [[carl.userId, sunset, 4], [jo.userId, sunset, 2], [jo.userId, mountain, 10]].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      "one score per juror and entry, the last one sent",
    );
    await t.throwsAsync(
      app.app.sequelize.query("INSERT INTO poll_jury_scores (poll_id, option_id, juror_id, score, updated_at) VALUES (:poll, :option, :juror, 3, :now)", { replacements: { poll: poll.id, option: sunset, juror: jo.userId, now: new Date() } }),
      undefined,
      "the unique index refuses a second score of the same juror and entry",
    );

    // Hidden until the close: a juror sees their own scores only, others none.
    const joPage = (await jo.client.get(`/c/${content.id}`)).text;
    t.true(joPage.includes(`name="score${sunset}" type="number" min="0" max="10" step="1" value="2"`), "Jo's form holds Jo's score");
    t.false(joPage.includes('value="4"'), "not Carl's");
    const carlPage = (await carl.client.get(`/c/${content.id}`)).text;
    t.false(carlPage.includes(`name="score${mountain}"`), "no field for one's own entry");
    t.true(carlPage.includes("your own entry, you do not score it"));
    for (const viewer of [vic, mia, author]) {
      const page = (await viewer.client.get(`/c/${content.id}`)).text;
      t.false(page.includes("Final ranking"), "no ranking before the close");
      t.false(page.includes("name=\"score"), "no scoring form for non-jurors");
      t.true(page.includes("2 jurors score the entries too"));
      t.false((await viewer.client.get(`${base}/results`)).text.includes("Jury average"));
    }

    // The public vote: Sunset 3, Mountain 1.
    const field = `q${question.id}`;
    for (const voter of [carl, vic, jo]) t.is((await voter.client.post(`${base}/answer`, { [field]: String(sunset) })).status, 303);
    t.is((await mia.client.post(`${base}/answer`, { [field]: String(mountain) })).status, 303);

    t.is((await author.client.post(`${base}/close`, {})).status, 303);
    const late = await jo.client.post(`${base}/jury/scores`, { [`score${sunset}`]: "10" });
    t.is(late.status, 409, "no score after the close");
    t.is((await author.client.post(`${base}/jury`, { juror: String(jo.userId), juryWeight: "10" })).status, 409, "nor a change of jury");
    t.is(Number((await scores()).find((row) => Number(row.juror_id) === jo.userId && Number(row.option_id) === sunset)!.score), 2, "unchanged");
    t.is((await jurors()).length, 2);
  } finally {
    clock.now = () => new Date();
  }

  // By hand: votes normalised by the most votes (3), jury averages by 10, weighted 50/50.
  const sunsetCombined = 0.5 * (3 / 3) + 0.5 * ((2 + 4) / 2 / 10); // 0.65
  const mountainCombined = 0.5 * (1 / 3) + 0.5 * (10 / 10); // 0.6667
  t.true(mountainCombined > sunsetCombined, "the jury turns the public vote around");
  const page = (await vic.client.get(`/c/${content.id}`)).text;
  t.true(page.includes("Final ranking: public vote and jury"));
  const rows = [...page.matchAll(/<tr><th scope="row">([^<]+)<\/th><td data-votes>(\d+)<\/td><td data-jury>([^<]+)<\/td><td data-combined>([^<]+)<\/td><\/tr>/g)].map((match) => match.slice(1));
  t.deepEqual(rows, [
    ["Mountain", "1", "10", (Math.round(mountainCombined * 1000) / 10).toString()],
    ["Sunset", "3", "3", (Math.round(sunsetCombined * 1000) / 10).toString()],
  ], "both parts and the combined score, best first");

  const announcements = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest-winner' AND ref_id = :id", { id: poll.id });
  t.is(announcements.length, 1);
  const stream = (await mia.client.get(group.url)).text;
  t.true(stream.includes("Winner of Best photo: Mountain by Carl Colleague"), "the announcement names the combined winner, not the vote's");
  t.true(stream.includes(`Combined score ${Math.round(mountainCombined * 1000) / 10} out of 100`));
  t.false(stream.includes("Winner of Best photo: Sunset"));
});

test.serial("the author's weight counts: at 0 % the public vote alone decides", async (t) => {
  const hour = 3600_000;
  t.is((await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: "Best pun", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "1", votesPerPerson: "1" })).status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Best pun'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  t.is((await mia.client.post(`${base}/entries`, { label: "Pun A" })).status, 303);
  t.is((await carl.client.post(`${base}/entries`, { label: "Pun B" })).status, 303);
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const a = options.find((option) => option.label === "Pun A")!.id;
  const b = options.find((option) => option.label === "Pun B")!.id;
  t.is((await author.client.post(`${base}/jury`, { juror: String(jo.userId), juryWeight: "0" })).status, 303);
  const { clock } = await import("../clock.ts");
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    t.is((await jo.client.post(`${base}/jury/scores`, { [`score${a}`]: "0", [`score${b}`]: "10" })).status, 303);
    for (const voter of [vic, carl]) t.is((await voter.client.post(`${base}/answer`, { [`q${question.id}`]: String(a) })).status, 303);
    t.is((await author.client.post(`${base}/close`, {})).status, 303);
  } finally {
    clock.now = () => new Date();
  }
  const stream = (await mia.client.get(group.url)).text;
  t.true(stream.includes("Winner of Best pun: Pun A by Mia Member"), "combined = votes only: 1 × 2/2 against 0");
  t.true(stream.includes("Combined score 100 out of 100"));
});

test.serial("a juror who leaves the group no longer counts at the tally; one taken off the jury takes their scores along", async (t) => {
  const hour = 3600_000;
  // Three jurors of their own for this contest: Lea leaves the group, Ray is taken off the jury, Jo stays.
  const newcomer = async (displayName: string) => {
    const signed = await app.signedIn("member", { displayName });
    await addMember(group.id, signed.userId);
    const [row] = await sql<{ username: string }>("SELECT username FROM users WHERE id = :id", { id: signed.userId });
    return { ...signed, username: row.username };
  };
  const lea = await newcomer("Lea Leaver");
  const ray = await newcomer("Ray Removed");
  t.is((await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: "Best mug", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "1", votesPerPerson: "1" })).status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Best mug'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  t.is((await mia.client.post(`${base}/entries`, { label: "Blue mug" })).status, 303);
  t.is((await carl.client.post(`${base}/entries`, { label: "Red mug" })).status, 303);
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const blue = options.find((option) => option.label === "Blue mug")!.id;
  const red = options.find((option) => option.label === "Red mug")!.id;
  t.is((await author.client.post(`${base}/jury`, { juror: [jo, lea, ray].map((person) => String(person.userId)), juryWeight: "100" })).status, 303);
  const { clock } = await import("../clock.ts");
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    // Jo: Blue 4, Red 6. Lea and Ray: Blue 10, Red 0. All three counted, Blue would win (8 against 2).
    t.is((await jo.client.post(`${base}/jury/scores`, { [`score${blue}`]: "4", [`score${red}`]: "6" })).status, 303);
    for (const juror of [lea, ray]) t.is((await juror.client.post(`${base}/jury/scores`, { [`score${blue}`]: "10", [`score${red}`]: "0" })).status, 303);
    t.is((await sql("SELECT id FROM poll_jury_scores WHERE poll_id = :id", { id: poll.id })).length, 6);
    t.is((await vic.client.post(`${base}/answer`, { [`q${question.id}`]: String(blue) })).status, 303);

    t.is((await author.client.post(`${base}/jury`, { juror: [jo, lea].map((person) => String(person.userId)), juryWeight: "100" })).status, 303, "Ray taken off the jury");
    t.deepEqual((await sql<{ juror_id: number }>("SELECT DISTINCT juror_id FROM poll_jury_scores WHERE poll_id = :id ORDER BY juror_id", { id: poll.id })).map((row) => Number(row.juror_id)), [jo.userId, lea.userId].sort((a, b) => a - b), "Ray's scores went with him");
    t.is((await lea.client.post(`${group.url}/leave`, {})).status, 302, "Lea leaves the group");
    t.is((await lea.client.get(`/c/${content.id}`)).status, 404, "she no longer sees the private group's contest");
    t.is((await sql("SELECT id FROM poll_jury_scores WHERE poll_id = :id AND juror_id = :lea", { id: poll.id, lea: lea.userId })).length, 2, "her scores are kept (she may come back before the close)");
    t.is((await author.client.post(`${base}/close`, {})).status, 303);
  } finally {
    clock.now = () => new Date();
  }
  // Only Jo counts now: Red 6, Blue 4 (weight 100 %: the jury alone decides).
  const page = (await vic.client.get(`/c/${content.id}`)).text;
  const rows = [...page.matchAll(/<tr><th scope="row">([^<]+)<\/th><td data-votes>(\d+)<\/td><td data-jury>([^<]+)<\/td><td data-combined>([^<]+)<\/td><\/tr>/g)].map((match) => match.slice(1));
  t.deepEqual(rows, [["Red mug", "0", "6", "60"], ["Blue mug", "1", "4", "40"]], "the jury average is Jo's alone");
  const stream = (await mia.client.get(group.url)).text;
  t.true(stream.includes("Winner of Best mug: Red mug by Carl Colleague"), "the announcement counts only the jurors still in the group");
});
