import test from "ava";
import { DataTypes } from "sequelize";
import { pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";
import { up } from "../migrations/20261206020000-read-receipts-to-core.ts";

// Required reading keeps its receipts with core's read receipts (host.readReceipts): the receipts written
// before, in the documents' own table, move there once (who was asked, by whom, when, and when they confirmed),
// and the file's page shows them as before.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

test.serial("receipts from the documents' own table move to core's read receipts and show on the file's page", async (t) => {
  const { app, owner, member, other, docs, sql } = world;
  t.is((await upload(owner, docs, [text("rules", "rules.txt")])).status, 302);
  const [rules] = await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'rules.txt'");
  // The table as the earlier migration made it, with two requests: one confirmed, one not.
  const qi = app.app.sequelize.getQueryInterface();
  await qi.createTable("documents_read_requests", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    document_id: { type: DataTypes.INTEGER, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    requested_by: { type: DataTypes.INTEGER, allowNull: true },
    requested_at: { type: DataTypes.DATE, allowNull: false },
    confirmed_at: { type: DataTypes.DATE, allowNull: true },
  });
  const asked = new Date("2026-11-30T09:00:00Z");
  const read = new Date("2026-12-01T10:30:00Z");
  await qi.bulkInsert("documents_read_requests", [
    { document_id: rules.id, user_id: member.userId, requested_by: owner.userId, requested_at: asked, confirmed_at: read },
    { document_id: rules.id, user_id: other.userId, requested_by: owner.userId, requested_at: asked, confirmed_at: null },
  ]);
  await up(qi);

  const rows = await sql<{ user_id: number; requested_by: number; requested_at: string | Date; acknowledged_at: string | Date | null }>(
    "SELECT user_id, requested_by, requested_at, acknowledged_at FROM read_receipts WHERE module_id = 'documents' AND subject = :subject ORDER BY user_id",
    { subject: `document:${rules.id}` },
  );
  t.deepEqual(
    rows.map((row) => ({ user: Number(row.user_id), by: Number(row.requested_by), at: new Date(row.requested_at).toISOString(), read: row.acknowledged_at ? new Date(row.acknowledged_at).toISOString() : null })),
    [
      { user: member.userId, by: owner.userId, at: asked.toISOString(), read: read.toISOString() },
      { user: other.userId, by: owner.userId, at: asked.toISOString(), read: null },
    ].sort((a, b) => a.user - b.user),
  );
  t.false((await qi.showAllTables()).map(String).includes("documents_read_requests"), "the old table is gone");

  // The page shows them; the one still waiting confirms once.
  const page = (await owner.client.get(`${docs}/d/${rules.id}`)).text;
  t.true(page.includes("✓ Max Member"));
  t.true(page.includes("Nora Other"));
  t.true((await other.client.get(`${docs}/d/${rules.id}`)).text.includes("I have read it"));
  t.is((await other.client.post(`${docs}/d/${rules.id}/read`, {})).status, 302);
  const [confirmed] = await sql<{ acknowledged_at: string | null }>("SELECT acknowledged_at FROM read_receipts WHERE user_id = :id AND subject = :subject", { id: other.userId, subject: `document:${rules.id}` });
  t.truthy(confirmed.acknowledged_at);
  t.is((await member.client.post(`${docs}/d/${rules.id}/read`, {})).status, 302, "confirming again");
  const [kept] = await sql<{ acknowledged_at: string | Date }>("SELECT acknowledged_at FROM read_receipts WHERE user_id = :id AND subject = :subject", { id: member.userId, subject: `document:${rules.id}` });
  t.is(new Date(kept.acknowledged_at).toISOString(), read.toISOString(), "keeps the first moment");
});
