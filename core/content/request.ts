import type { AppContext } from "../http/context.ts";
import { badRequest } from "../http/errors.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { ContentPolicy } from "../policies/content.ts";

const policies = new WeakMap<object, ContentPolicy>();

/** The request's content policy: one per request, so readable sets and roles are looked up once. */
export function policyOf(ctx: AppContext, registry: ModuleRegistry): ContentPolicy {
  let policy = policies.get(ctx);
  if (!policy) {
    policy = new ContentPolicy(registry, ctx.state.user);
    policies.set(ctx, policy);
  }
  return policy;
}

/** A single-valued query parameter; repeated or unexpected values are a 400, not a guess. */
export function queryValue(ctx: AppContext, name: string, allowed?: readonly string[]): string | undefined {
  const value = ctx.query[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string" || (allowed && !allowed.includes(value))) throw badRequest("errors:query.invalid");
  return value;
}

/** A positive integer id from a route parameter, or a 404. */
export function idParam(value: string | undefined): number {
  if (!value || !/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2147483647) return 0;
  return Number(value);
}
