import helmet from "helmet";
import type { Middleware } from "koa";

/** Security headers with a strict CSP: no inline script or style, nothing from other origins. */
export function securityHeaders(isHttps: boolean): Middleware {
  const apply = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(isHttps ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Matches frame-ancestors 'none' for browsers that only know the older header.
    xFrameOptions: { action: "deny" },
    strictTransportSecurity: isHttps ? { maxAge: 15552000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  return (ctx, next) =>
    new Promise<void>((resolve, reject) => {
      apply(ctx.req, ctx.res, (error?: unknown) => (error ? reject(error) : resolve()));
    }).then(next);
}
