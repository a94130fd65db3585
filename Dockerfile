# syntax=docker/dockerfile:1
# Agora: multi-stage image. The build stage compiles native modules (sqlite3, argon2); the runtime
# stage has no compiler and runs as the unprivileged `node` user. TypeScript runs through tsx,
# which is a runtime dependency, so there is no separate build step. Node.js 24 is the LTS line in
# support (Node.js 20 reached its end of life in April 2026); keep it within package.json "engines".

FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    AGORA_HOST=0.0.0.0 \
    AGORA_PORT=3000 \
    AGORA_DATA_DIR=/app/data \
    AGORA_UPLOADS_DIR=/app/uploads
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the app); only data and uploads are writable.
COPY --from=build /app/node_modules ./node_modules
COPY . .
RUN mkdir -p /app/data /app/uploads && chown node:node /app/data /app/uploads
USER node
VOLUME ["/app/data", "/app/uploads"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.AGORA_PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) lets in-flight requests finish, closes the database and exits 0 within 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "core/server.ts"]
