import type { Logger } from "pino";
import type { ActionHandler, ActionHooks, FilterHandler, FilterHooks, HookContext } from "./types.ts";

// Stored loosely; the public on/filter signatures keep callers typed.
type AnyAction = (payload: never) => void | Promise<void>;
type AnyFilter = (value: never, context: HookContext) => unknown;

interface Registered<H> {
  moduleId: string;
  handler: H;
}

/**
 * Actions fire and forget; filters transform and return. Handlers of disabled modules are skipped here,
 * so that no handler has to check whether its module is on.
 */
export type { AnyAction, AnyFilter };

export class HookBus {
  private actions = new Map<string, Registered<AnyAction>[]>();
  private filters = new Map<string, Registered<AnyFilter>[]>();

  constructor(
    private isEnabled: (moduleId: string) => boolean,
    private logger: Logger,
  ) {}

  on<K extends keyof ActionHooks>(moduleId: string, name: K, handler: ActionHandler<K> | AnyAction) {
    const list = this.actions.get(name) ?? [];
    list.push({ moduleId, handler: handler as unknown as AnyAction });
    this.actions.set(name, list);
  }

  filter<K extends keyof FilterHooks>(moduleId: string, name: K, handler: FilterHandler<K> | AnyFilter) {
    const list = this.filters.get(name) ?? [];
    list.push({ moduleId, handler: handler as unknown as AnyFilter });
    this.filters.set(name, list);
  }

  /** Runs every enabled handler; one that throws is logged and does not stop the others or the caller. */
  async emit<K extends keyof ActionHooks>(name: K, payload: ActionHooks[K]): Promise<void> {
    for (const { moduleId, handler } of this.actions.get(name) ?? []) {
      if (!this.isEnabled(moduleId)) continue;
      try {
        await (handler as unknown as ActionHandler<K>)(payload);
      } catch (error) {
        this.logger.error({ module: moduleId, hook: name, err: error }, "action hook failed");
      }
    }
  }

  /** A filter that throws is logged and skipped: the value passes on unchanged. */
  async apply<K extends keyof FilterHooks>(name: K, value: FilterHooks[K], context: HookContext): Promise<FilterHooks[K]> {
    let current = value;
    for (const { moduleId, handler } of this.filters.get(name) ?? []) {
      if (!this.isEnabled(moduleId)) continue;
      try {
        current = await (handler as unknown as FilterHandler<K>)(current, context);
      } catch (error) {
        this.logger.error({ module: moduleId, hook: name, err: error }, "filter hook failed");
      }
    }
    return current;
  }
}
