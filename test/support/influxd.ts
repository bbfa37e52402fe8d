// A throwaway influxd for one test file: temp data dir, free loopback ports, the real binary.
import { InfluxClient } from "../../ingest/sink/influx-client.js";
import { ManagedInfluxd } from "../../ingest/sink/managed-influxd.js";
import { tempDir } from "./temp-dir.js";

export interface TestInfluxd {
  url: string;
  port: number;
  db: string;
  client: InfluxClient;
  server: ManagedInfluxd;
  /** Stops it (data kept) — for outage tests; start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
  /** Rows of one InfluxQL query, as objects keyed by column. */
  rows(q: string): Promise<Record<string, unknown>[]>;
}

export async function startTestInfluxd(options: { db?: string; maxBodyBytes?: number } = {}): Promise<TestInfluxd> {
  const dir = tempDir("influxd");
  const server = new ManagedInfluxd({ dataDir: dir.path, maxBodyBytes: options.maxBodyBytes });
  await server.start();
  const db = options.db ?? "ioc";
  const client = new InfluxClient({ url: server.url, db });
  await client.ensureDatabase();
  return {
    url: server.url,
    port: server.httpPort,
    db,
    client,
    server,
    stop: () => server.stop(),
    start: () => server.start(),
    async destroy() {
      await server.stop();
      dir.remove();
    },
    async rows(q: string) {
      const [series = []] = await client.query(q);
      return series.flatMap((s) =>
        s.values.map((row) => ({ ...(s.tags ?? {}), ...Object.fromEntries(s.columns.map((c, i) => [c, row[i]])) })),
      );
    },
  };
}
