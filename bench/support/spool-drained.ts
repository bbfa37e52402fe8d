// When a hub's spool is empty: every point it accepted has been acknowledged by InfluxDB (the writer
// moves the spool's cursor only then). Read from the hub's /readyz, a few hundred bytes, rather than by
// counting in InfluxDB: a count over the run's points costs influxd ~70 ms of CPU each time (measured
// with 600,000 points), taken from the very writes being timed.
export async function waitForSpoolDrained(httpPort: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    const body = (await response.json()) as { spool?: { points?: number } };
    if (body.spool?.points === 0 || Date.now() > deadline) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
}
