import type { BulkWriter, Value } from "./bulk-writer.ts";
import { below, geometric, pick, shuffled, Zipf, type Random } from "./random.ts";
import { displayNameOf, firstNames, groupWords, lastNames, places } from "./text.ts";

export const benchUser = { username: "bench", password: "bench-password-1", groupCount: 50, follows: 20 };
const dayMs = 24 * 3600 * 1000;

export interface Group {
  id: number;
  slug: string;
  /** Member ids, most active first (authors and commenters are drawn Zipf-like from the front). */
  members: number[];
  activity: Zipf;
  /** Can the bench user read it (is a member)? */
  hasBench: boolean;
}

/** Who exists: users by activity rank, groups by activity rank. */
export interface Population {
  userIds: number[];
  usernames: string[];
  /** User id of activity rank r: userByRank[zipf.next()]. */
  userByRank: number[];
  userActivity: Zipf;
  groups: Group[];
  groupActivity: Zipf;
  benchId: number;
  adminId: number;
}

const insertAll = async (writer: BulkWriter, table: string, columns: string[], rows: Iterable<Value[]>) => {
  const buffer = writer.table(table, columns);
  for (const row of rows) {
    buffer.add(row);
    await writer.drain();
  }
  await writer.flush();
};

/** Users (one shared argon2 hash: hashing 10,000 passwords would take minutes), their profiles and skills. */
export async function createUsers(writer: BulkWriter, random: Random, count: number, passwordHash: string, now: number, tables: Set<string>) {
  const usernames: string[] = [];
  const taken = new Map<string, number>();
  const rows: Value[][] = [];
  for (let id = 1; id <= count; id += 1) {
    const first = pick(random, firstNames);
    const last = pick(random, lastNames);
    const base = id === 1 ? benchUser.username : id === 2 ? "admin" : `${first}.${last}`;
    const seen = (taken.get(base) ?? 0) + 1;
    taken.set(base, seen);
    const username = seen === 1 ? base : `${base}${seen}`;
    usernames.push(username);
    const created = writer.date(now - 3 * 365 * dayMs + (id / count) * 2 * 365 * dayMs);
    const displayName = id === 1 ? "Bench Reader" : id === 2 ? "Ada Admin" : displayNameOf(first, last);
    // The bench reader last looked at the stream two days ago, so "N new posts" has something to count.
    const seenAt = id === 1 ? writer.date(now - 2 * dayMs) : null;
    // Half the people have a photo (its key on their row: faces cost no statement; the files are not needed to render).
    const photoKey = id % 2 === 0 ? id.toString(16).padStart(32, "0") : null;
    rows.push([id, `${username}@example.test`, username, displayName, passwordHash, id === 2 ? "admin" : "member", "active", "en", "local", null, seenAt, created, created, photoKey]);
  }
  const columns = ["id", "email", "username", "display_name", "password_hash", "role", "status", "language", "auth_source", "last_login_at", "stream_seen_at", "created_at", "updated_at", "photo_key"];
  await insertAll(writer, "users", columns, rows);

  if (tables.has("user_profiles")) {
    const departments = groupWords.slice(0, 12);
    const jobs = ["Engineer", "Manager", "Analyst", "Designer", "Technician", "Consultant", "Coordinator", "Specialist"];
    const stamp = writer.date(now);
    await insertAll(
      writer,
      "user_profiles",
      ["user_id", "job_title", "department", "location", "phone", "manager_id", "bio", "updated_at"],
      Array.from({ length: count }, (_, index) => {
        const id = index + 1;
        const manager = id > 50 ? 1 + below(random, 50) + 2 : null;
        return [id, pick(random, jobs), pick(random, departments), pick(random, places), `+33 1 ${String(10_000_000 + id).slice(-8)}`, manager, "Happy to help with anything around my team.", stamp];
      }),
    );
  }
  if (tables.has("user_tags")) {
    const skills = ["excel", "python", "negotiation", "lean", "sql", "design", "welding", "sap", "training", "german", "spanish", "french"];
    const rows: Value[][] = [];
    for (let id = 1; id <= count; id += 1) {
      for (const skill of new Set(Array.from({ length: below(random, 4) }, () => pick(random, skills)))) rows.push([id, "skill", skill, skill]);
    }
    await insertAll(writer, "user_tags", ["user_id", "kind", "name", "label"], rows);
  }
  return usernames;
}

/** Follows: the bench reader follows 20 of the most active people; everyone else a few, mostly popular ones. */
export async function createFollows(writer: BulkWriter, random: Random, population: Pick<Population, "userIds" | "userByRank" | "userActivity" | "benchId">, now: number) {
  const rows: Value[][] = [];
  const stamp = writer.date(now - 30 * dayMs);
  for (const follower of population.userIds) {
    const wanted = follower === population.benchId ? benchUser.follows : geometric(random, 4);
    const followed = new Set<number>();
    for (let attempt = 0; followed.size < wanted && attempt < wanted * 5; attempt += 1) {
      const id = population.userByRank[population.userActivity.next()];
      if (id !== follower) followed.add(id);
    }
    for (const id of followed) rows.push([follower, id, stamp]);
  }
  await insertAll(writer, "user_follows", ["follower_id", "followed_id", "created_at"], rows);
  return rows.length;
}

const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** Distinct random users, without the ones excluded. */
function sampleUsers(random: Random, count: number, userCount: number, excluded: Set<number>) {
  const chosen = new Set<number>();
  const wanted = Math.min(count, userCount - excluded.size);
  while (chosen.size < wanted) {
    const id = 1 + below(random, userCount);
    if (!excluded.has(id)) chosen.add(id);
  }
  return [...chosen];
}

/**
 * Groups with a skewed size (activity rank r gets ≈ 4000 / (r+1)^0.9 members: a few with thousands, most
 * with tens) and their memberships. The bench reader is a member of exactly 50, every 4th by rank, big and small.
 */
export async function createGroups(writer: BulkWriter, random: Random, count: number, userCount: number, benchId: number, now: number): Promise<Group[]> {
  const categoryRows = await writer.query<{ id: number }>("SELECT id FROM group_categories ORDER BY id");
  const categoryIds = categoryRows.map((row) => Number(row.id));
  const benchRanks = new Set(Array.from({ length: Math.min(benchUser.groupCount, count) }, (_, index) => Math.floor((index * count) / Math.min(benchUser.groupCount, count))));
  const ids = shuffled(random, Array.from({ length: count }, (_, index) => index + 1));
  const groups: Group[] = [];
  const slugs = new Set<string>();
  const groupRows: Value[][] = [];
  const membershipRows: Value[][] = [];
  for (let rank = 0; rank < count; rank += 1) {
    const id = ids[rank];
    const hasBench = benchRanks.has(rank);
    const size = Math.min(userCount - 1, Math.round(4000 / (rank + 1) ** 0.9) + 8 + below(random, 10));
    const members = sampleUsers(random, hasBench ? size - 1 : size, userCount, new Set([benchId]));
    if (hasBench) members.splice(Math.min(members.length, 3 + below(random, 20)), 0, benchId);
    const base = `${pick(random, places)} ${pick(random, groupWords)}`;
    let name = base;
    for (let suffix = 2; slugs.has(slugOf(name)); suffix += 1) name = `${base} ${suffix}`;
    const slug = slugOf(name);
    slugs.add(slug);
    const visibility = random() < 0.7 ? "open" : random() < 0.85 ? "private" : "secret";
    const created = writer.date(now - (730 + below(random, 300)) * dayMs);
    groupRows.push([id, slug, name, name.toLowerCase(), `The ${name} group.`, categoryIds.length ? pick(random, categoryIds) : null, "", visibility, false, false, 0, members[0], created, created]); // member_count: the memberships trigger counts them
    members.forEach((userId, index) => {
      const role = index === 0 && userId !== benchId ? "owner" : index <= 2 && userId !== benchId ? "admin" : index === 3 && userId !== benchId ? "moderator" : "member";
      membershipRows.push([id, userId, role, true, "all", created, created]);
    });
    groups.push({ id, slug, members, activity: new Zipf(members.length, 1, random), hasBench });
  }
  await insertAll(writer, "groups", ["id", "slug", "name", "sort_name", "description", "category_id", "tags", "visibility", "is_archived", "is_default", "member_count", "created_by", "created_at", "updated_at"], groupRows);
  await insertAll(writer, "group_memberships", ["group_id", "user_id", "role", "show_on_dashboard", "notification_level", "created_at", "updated_at"], membershipRows);
  return groups;
}
