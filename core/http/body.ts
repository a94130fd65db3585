import getRawBody from "raw-body";
import type { Middleware } from "koa";
import { HttpError, badRequest } from "./errors.ts";
import type { AppState } from "./context.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    throw badRequest("errors:body.encoding");
  }
}

/** More fields than any form of ours has; a body of thousands of tiny fields is an attack, not a form. */
export const maxFormFields = 2000;

/** Parses application/x-www-form-urlencoded strictly: malformed escapes and invalid UTF-8 are a 400. */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  let count = 0;
  for (const pair of text.split("&")) {
    if (!pair) continue;
    if (++count > maxFormFields) throw new HttpError(413, "errors:body.tooLarge");
    const [rawKey, rawValue = ""] = pair.split(/=(.*)/s);
    const key = decodeComponent(rawKey);
    const value = decodeComponent(rawValue);
    const existing = fields[key];
    // Appending in place: copying the array for each repeat made a body of one repeated key quadratic.
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  }
  return fields;
}

/**
 * Reads form and JSON bodies with a size limit and strict UTF-8; anything malformed is a clear 4xx
 * before a route runs. Multipart bodies are left to the upload routes.
 */
export function bodyParser(limitKb: number): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.state.body = Object.create(null);
    decodeComponent(ctx.path);
    if (ctx.querystring) parseForm(ctx.querystring);
    const hasBody = ctx.request.length !== undefined ? ctx.request.length > 0 : ctx.get("transfer-encoding") !== "";
    if (!hasBody || ["GET", "HEAD", "OPTIONS"].includes(ctx.method) || ctx.is("multipart")) return next();
    const type = ctx.is("urlencoded", "json");
    if (!type) throw new HttpError(415, "errors:body.type");
    let buffer: Buffer;
    try {
      buffer = await getRawBody(ctx.req, { length: ctx.request.length, limit: `${limitKb}kb` });
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new HttpError(status === 413 ? 413 : 400, status === 413 ? "errors:body.tooLarge" : "errors:body.unreadable");
    }
    let text: string;
    try {
      text = utf8.decode(buffer);
    } catch {
      throw badRequest("errors:body.encoding");
    }
    if (type === "json") {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        ctx.state.body = parsed as Record<string, unknown>;
      } catch {
        throw badRequest("errors:body.json");
      }
    } else {
      ctx.state.body = parseForm(text);
    }
    return next();
  };
}
