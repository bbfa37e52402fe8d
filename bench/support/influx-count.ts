// How many readings a benchmark's database holds, and waiting until it holds them all: the end of
// an end-to-end measurement is when InfluxDB has every point.
import type { InfluxClient } from "../../ingest/sink/influx-client.js";

export async function countPoints(client: InfluxClient, field = "pm25"): Promise<number> {
  try {
    const [series = []] = await client.query(`SELECT count("${field}") FROM "env_reading"`);
    return Number(series[0]?.values[0]?.[1] ?? 0);
  } catch {
    return 0; // the database does not exist until the hub's first write
  }
}

/** Resolves to the time (epoch ms) the count reached `expected`, or the deadline. */
export async function waitForCount(client: InfluxClient, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await countPoints(client);
    if (count >= expected || Date.now() > deadline) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
}
