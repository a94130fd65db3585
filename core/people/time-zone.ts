import { NotificationSetting } from "../models/notification-settings.ts";
import { serverTimeZone } from "../notifications/clock.ts";

/**
 * A person's time zone (an IANA name such as "Europe/Paris"): the one they chose in their notification settings,
 * else the server's. For a signed-out reader, the server's. Modules read it as host.timeZoneOf.
 */
export async function timeZoneOf(user: { id: number } | null): Promise<string> {
  if (!user) return serverTimeZone;
  const row = await NotificationSetting.findOne({ where: { userId: user.id }, attributes: ["timeZone"] });
  return row?.timeZone || serverTimeZone;
}
