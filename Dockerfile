# The hub, built in one stage and run from a slim one as a non-root user.
# syntax=docker/dockerfile:1
FROM node:20-bookworm AS build
WORKDIR /src
# better-sqlite3 builds from source when no prebuilt binary can be fetched: the full image has g++ and python3.
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts=false --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    IOC_BIND=0.0.0.0 \
    IOC_DATA_DIR=/var/lib/ioc-hub \
    IOC_MQTT_PORT=1883 \
    IOC_HTTP_PORT=8080
WORKDIR /opt/ioc-hub
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/schemas ./schemas
COPY --from=build /src/zones ./zones
COPY --from=build /src/alerts/indices/*.json ./alerts/indices/
COPY --from=build /src/alerts/default-rules.json ./alerts/
COPY --from=build /src/alerts/sensor-rules/physical-ranges.json ./alerts/sensor-rules/
COPY --from=build /src/geofence/land ./geofence/land
COPY --from=build /src/dashboards/maps ./dashboards/maps
RUN groupadd --system ioc && useradd --system --gid ioc --home-dir /var/lib/ioc-hub ioc \
    && mkdir -p /var/lib/ioc-hub && chown ioc:ioc /var/lib/ioc-hub
USER ioc
VOLUME ["/var/lib/ioc-hub"]
EXPOSE 1883 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The runtime settings of the binary's shebang (hub/cli.ts says why; test/e2e/cli.test.ts keeps the two equal).
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["node", "--max-old-space-size=256", "--heap-growing-percent=60", "dist/hub/cli.js"]
CMD ["start"]
