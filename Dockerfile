# Patrol service. Runs TypeScript through tsx (a runtime dependency), so there is no emit step;
# the build stage only type-checks.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
# tini reaps zombies and forwards SIGTERM: Node is not designed to run as PID 1
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/patrol \
  && chown node:node /var/lib/patrol
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PGLITE_DIR=/var/lib/patrol/db
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/src ./src
COPY --from=build --chown=node:node /app/migrations ./migrations
COPY --from=build --chown=node:node /app/data ./data
USER node
VOLUME ["/var/lib/patrol"]
EXPOSE 3000
# readiness queries the database; on the embedded PGlite a long upload holds its one connection, so
# allow about two minutes of "busy" before the container counts as unhealthy (PostgreSQL has no such wait)
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=8 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# a 16 MB young generation keeps RSS flat while big uploads stream (bench/RESULTS.md, Ingest)
CMD ["node", "--max-semi-space-size=16", "bin/patrol.js", "serve"]
