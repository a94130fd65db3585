/** An error shown to the user: its message is a translation key, never internal detail. */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly messageKey: string = `errors:status.${status}`,
    readonly details?: Record<string, unknown>,
  ) {
    super(messageKey);
  }
}

export const badRequest = (key = "errors:status.400", details?: Record<string, unknown>) => new HttpError(400, key, details);
export const forbidden = (key = "errors:status.403") => new HttpError(403, key);
export const notFound = (key = "errors:status.404") => new HttpError(404, key);
