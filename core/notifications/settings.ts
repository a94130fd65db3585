import { Op, type Transaction } from "sequelize";
import { NotificationPreference, NotificationSetting, type Channel, type EmailFrequency } from "../models/notification-settings.ts";
import { digestHour, nextDigestAt, serverTimeZone, type QuietHours } from "./clock.ts";
import type { RegisteredNotificationType } from "./types.ts";

export type Channels = Record<Channel, boolean>;

/** How and when a person gets notification mail. */
export interface MailSettings {
  emailFrequency: EmailFrequency;
  quiet: QuietHours;
  /** Local hour (0-23, in quiet.timeZone) at which summaries go out. */
  digestHour: number;
}

export const defaultMailSettings = (): MailSettings => ({ emailFrequency: "immediate", quiet: { start: null, end: null, timeZone: serverTimeZone }, digestHour });

function mailSettingsOf(row: NotificationSetting | undefined): MailSettings {
  if (!row) return defaultMailSettings();
  return {
    emailFrequency: row.emailFrequency,
    quiet: { start: row.quietStart, end: row.quietEnd, timeZone: row.timeZone ?? serverTimeZone },
    digestHour: row.digestHour ?? digestHour,
  };
}

/** Each recipient's channels for one type: their stored choices over the type's defaults (one query). */
export async function channelsFor(userIds: number[], type: RegisteredNotificationType, transaction?: Transaction): Promise<Map<number, Channels>> {
  const result = new Map(userIds.map((id) => [id, { ...type.defaults }]));
  if (userIds.length === 0) return result;
  const rows = await NotificationPreference.findAll({ where: { userId: { [Op.in]: userIds }, type: type.id }, transaction });
  for (const row of rows) result.get(row.userId)![row.channel] = row.isEnabled;
  return result;
}

/** One person's channels for every type (the settings page, digests). */
export async function preferencesOf(userId: number, types: RegisteredNotificationType[]): Promise<Map<string, Channels>> {
  const result = new Map(types.map((type) => [type.id, { ...type.defaults }]));
  for (const row of await NotificationPreference.findAll({ where: { userId } })) {
    const channels = result.get(row.type);
    if (channels) channels[row.channel] = row.isEnabled;
  }
  return result;
}

export async function mailSettingsFor(userIds: number[], transaction?: Transaction): Promise<Map<number, MailSettings>> {
  const rows = userIds.length ? await NotificationSetting.findAll({ where: { userId: { [Op.in]: userIds } }, transaction }) : [];
  const byUser = new Map(rows.map((row) => [row.userId, row]));
  return new Map(userIds.map((id) => [id, mailSettingsOf(byUser.get(id))]));
}

export async function mailSettingsOfUser(userId: number): Promise<MailSettings> {
  return mailSettingsOf((await NotificationSetting.findByPk(userId)) ?? undefined);
}

/** Stores one choice, only where it differs from the type's default (so a changed default reaches everyone else). */
async function storeChoice(userId: number, type: RegisteredNotificationType, channel: Channel, isEnabled: boolean, transaction: Transaction) {
  const where = { userId, type: type.id, channel };
  if (type.defaults[channel] === isEnabled) await NotificationPreference.destroy({ where, transaction });
  else await NotificationPreference.upsert({ ...where, isEnabled }, { transaction });
}

export interface SettingsInput {
  web: Set<string>;
  email: Set<string>;
  emailFrequency: EmailFrequency;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string;
  /** Local hour of the daily or weekly summary; null keeps the default (8:00). */
  digestHour: number | null;
}

/** Saves the whole settings form: every listed type's two channels, and the mail timing. */
export async function saveSettings(userId: number, types: RegisteredNotificationType[], input: SettingsInput, transaction: Transaction) {
  for (const type of types) {
    await storeChoice(userId, type, "web", input.web.has(type.id), transaction);
    await storeChoice(userId, type, "email", input.email.has(type.id), transaction);
  }
  const quiet = { start: input.quietStart, end: input.quietEnd, timeZone: input.timeZone };
  const isDigest = input.emailFrequency === "daily" || input.emailFrequency === "weekly";
  await NotificationSetting.upsert(
    {
      userId,
      emailFrequency: input.emailFrequency,
      quietStart: input.quietStart,
      quietEnd: input.quietEnd,
      timeZone: input.timeZone,
      digestHour: input.digestHour,
      nextDigestAt: isDigest ? nextDigestAt(input.emailFrequency as "daily" | "weekly", new Date(), quiet, input.digestHour) : null,
    },
    { transaction },
  );
}

/** One-click unsubscribe: e-mail off for one type, or for digests (no more notification mail at all). */
export async function unsubscribe(userId: number, type: RegisteredNotificationType | "digest", transaction: Transaction) {
  if (type !== "digest") return storeChoice(userId, type, "email", false, transaction);
  const existing = await NotificationSetting.findByPk(userId, { transaction });
  if (existing) await existing.update({ emailFrequency: "never", nextDigestAt: null }, { transaction });
  else await NotificationSetting.create({ userId, emailFrequency: "never", quietStart: null, quietEnd: null, timeZone: null, digestHour: null, nextDigestAt: null }, { transaction });
}
