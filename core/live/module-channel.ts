import type { AppContext } from "../http/context.ts";
import type { LiveHub } from "./hub.ts";
import { startEventStream } from "./event-stream.ts";

/** Who hears a stream a module serves itself (host.live.serve), and for how long. */
export interface LiveAudience {
  /** The containers whose events of this module the stream carries (at most five). */
  containers: { type: string; id: number }[];
  /**
   * Whether the audience may still listen (a display link not revoked): asked before each event is sent and
   * every `recheckMs` (30 s by default, at least 1 s); false, or an error, ends the stream.
   */
  allowed(): Promise<boolean>;
  recheckMs?: number;
}

/** What a module may send to open pages (host.live). */
export interface ModuleLive {
  /**
   * Sends `data` to every open page watching the container (`data-live-watch` in its markup) whose viewer
   * may read it, in any process. Every such reader gets the same data: put nothing in it that only some of
   * them may see. Pages receive it as a DOM event "agora:live" with { module, name, container, data }.
   */
  publish(container: { type: string; id: number }, name: string, data: unknown): Promise<void>;
  /**
   * Answers the request with a Server-Sent Events stream of this module's events (as `publish` sends them:
   * "event: module", data { module, name, container, data }) for an audience the module authorises itself,
   * without a signed-in viewer (an office screen's link). The route checks the audience first; core then
   * keeps asking `allowed()`. Only the module's own events for the named containers are carried: name only
   * containers whose events the audience may hear.
   */
  serve(ctx: AppContext, audience: LiveAudience): void;
  /** Asks every open stream this module serves (in every process) whether its audience may still listen, now: after a link is revoked, say. */
  recheckAudiences(): Promise<void>;
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
    async recheckAudiences() {
      await boundHub?.publish({ kind: "audiences", moduleId });
    },
    serve(ctx, audience) {
      if (!boundHub) throw new Error("live updates are not running in this process");
      if (audience.containers.length > 5) throw new Error(`module "${moduleId}": a live stream carries at most five containers`);
      const hub = boundHub;
      const isServerListening = startEventStream(ctx);
      ctx.body = hub.openAudience(
        {
          moduleId,
          watched: audience.containers.map((container) => `${container.type}:${container.id}`),
          allowed: () => audience.allowed(),
          recheckMs: Math.max(1000, audience.recheckMs ?? 30_000),
          isServerListening,
        },
        (close) => ctx.req.once("close", close),
      );
    },
  };
}
