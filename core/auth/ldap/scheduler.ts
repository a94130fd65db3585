import type { SyncServices } from "../../commands/ldap-sync.ts";
import { SyncBusyError, syncDirectory } from "../../commands/ldap-sync.ts";
import { isDirectoryConfigured, ldapSettingsOf } from "./settings.ts";

/** How often the scheduler looks at the settings; the sync itself runs every syncIntervalMinutes. */
const checkEveryMs = 60_000;

export interface SyncScheduler {
  stop(): Promise<void>;
}

/**
 * Runs the directory sync on the interval set in the settings (AGORA_LDAP_SYNC_INTERVAL or the admin
 * console; 0 is off). The interval is read again every minute, so a change needs no restart. Several
 * processes may each run a scheduler: the sync's database lease lets one of them work at a time.
 */
export function startSyncScheduler(services: SyncServices): SyncScheduler {
  let lastRunAt = Date.now();
  let running: Promise<unknown> | null = null;
  const tick = async () => {
    const settings = await ldapSettingsOf(services.config).get();
    const intervalMs = settings.syncIntervalMinutes * 60_000;
    if (!isDirectoryConfigured(settings) || intervalMs === 0 || Date.now() - lastRunAt < intervalMs) return;
    lastRunAt = Date.now();
    await syncDirectory(services).catch((error: unknown) => {
      if (!(error instanceof SyncBusyError)) services.logger.error({ err: error }, "scheduled directory sync failed");
    });
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => services.logger.error({ err: error }, "directory sync scheduler failed"))
      .finally(() => (running = null));
  }, checkEveryMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
