# syntax=docker/dockerfile:1
# The headless key server for CI, as a service container.
#
#   docker build -f build/keyserver.Dockerfile -t keywarden-keyserver .
#   docker run --rm -p 8080:8080 -e KEYWARDEN_ADMIN_TOKEN=<token> keywarden-keyserver
#
# It listens on 0.0.0.0:8080 inside the container, so it refuses to start without
# KEYWARDEN_ADMIN_TOKEN (the admin API is then guarded by that token alone). GET /healthz answers
# 200 without a token once it listens. Data lives in /data (throwaway unless a volume is mounted).

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts are skipped (Electron's would try to download its binary); only the native
# SQLite addon is built, then the compiled entry points, then development packages are dropped.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src-main ./src-main
RUN node scripts/build-node.mjs \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist-node ./dist-node
# The image's unprivileged `node` user (uid 1000) owns the data folder and runs the server.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets `docker stop`'s SIGTERM itself; the server handles it (flushes
# counters and the request log, exits 0). Flags given to `docker run` are appended.
ENTRYPOINT ["node", "dist-node/keyserver/cli.mjs", "--host", "0.0.0.0", "--port", "8080", "--data", "/data"]
