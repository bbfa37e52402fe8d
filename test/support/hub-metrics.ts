// One sample of a running hub's /metrics (Prometheus text), by its full name and labels as printed,
// e.g. `ioc_auth_failures_total{reason="bad_password"}`; 0 when the hub has not printed it yet.
export async function hubMetric(httpUrl: string, sample: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return Number(new RegExp(`^${sample.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
}
