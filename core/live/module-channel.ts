import type { LiveHub } from "./hub.ts";

/** What a module may send to open pages (host.live). */
export interface ModuleLive {
  /**
   * Sends `data` to every open page watching the container (`data-live-watch` in its markup) whose viewer
   * may read it, in any process. Every such reader gets the same data: put nothing in it that only some of
   * them may see. Pages receive it as a DOM event "agora:live" with { module, name, container, data }.
   */
  publish(container: { type: string; id: number }, name: string, data: unknown): Promise<void>;
}

const namePattern = /^[a-z0-9][a-z0-9.-]{0,63}$/;
// The app's hub, bound once it exists (the host is made before it); the CLI has none and sends nothing.
let boundHub: LiveHub | null = null;

export function bindModuleLive(hub: LiveHub | null) {
  boundHub = hub;
}

/** host.live for one module. */
export function moduleLive(moduleId: string): ModuleLive {
  return {
    async publish(container, name, data) {
      if (!namePattern.test(name)) throw new Error(`module "${moduleId}": live event name "${name}" must be lowercase letters, digits, dots or dashes`);
      await boundHub?.publish({ kind: "module", moduleId, name, streamKey: `${container.type}:${container.id}`, data });
    },
  };
}
