// Alerts end to end, with real processes: readings over MQTT raise an alert that reaches operators over
// MQTT, the WebSocket stream and a local webhook receiver (down at first: delivered afterwards, one
// effect per idempotency key); it is acknowledged over REST, cleared by a later reading, survives a
// restart without being re-sent, and every transition is in InfluxDB's `alert` measurement.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signature } from "../../alerts/webhook-delivery.js";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { collect, connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

interface Received {
  key: string;
  seq: number;
  body: { event: { type: string; seq: number }; alert: { id: number; state: string; rule: string }; idempotencyKey: string };
  validSignature: boolean;
}

/** A webhook receiver on loopback that refuses (503) while `down` and records every accepted delivery. */
async function webhookReceiver(secret: string) {
  const state = { down: true, refused: 0, accepted: [] as Received[] };
  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      request.on("data", (d: Buffer) => (body += d.toString()));
      request.on("end", () => resolve(body));
    });
  const server: Server = createServer(async (request, response) => {
    const body = await read(request);
    if (state.down) {
      state.refused++;
      response.writeHead(503).end();
      return;
    }
    const timestamp = request.headers["x-ioc-timestamp"] as string;
    state.accepted.push({
      key: request.headers["idempotency-key"] as string,
      seq: Number(request.headers["x-ioc-event-seq"]),
      body: JSON.parse(body),
      validSignature:
        request.headers["x-ioc-signature"] === signature(secret, timestamp, body) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300,
    });
    response.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A WebSocket stream client collecting event messages. */
function stream(url: string) {
  const messages: { seq?: number; type?: string; event?: { type: string }; alert?: { id: number; state: string } }[] = [];
  const socket = new WebSocket(url);
  socket.on("message", (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, messages, opened, events: () => messages.filter((m) => m.event) };
}

describe("alerts end to end", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const tokens: Record<string, string> = {};
  const dir = tempDir("hub-alerts");
  const hubEnv = () => ({
    IOC_INFLUX_URL: influx.url,
    IOC_INFLUX_FLUSH_INTERVAL_MS: "10",
    IOC_RULES_TICK_INTERVAL_MS: "200",
    IOC_ALERTS_WEBHOOK_MAX_RETRY_DELAY_MS: "5000",
  });
  const api = (path: string, as: string, init: RequestInit = {}) =>
    fetch(`${hub.httpUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${tokens[as]}`,
        ...(init.body ? { "content-type": "application/json" } : {}),
        ...(init.headers ?? {}),
      },
    });
  const publishReading = async (
    client: Awaited<ReturnType<typeof connectDevice>>,
    station: string,
    timeMs: number,
    values: Record<string, number>,
  ) => client.publishAsync(`ioc/v1/sensors/${station}/data`, JSON.stringify({ time: new Date(timeMs).toISOString(), values }), { qos: 1 });

  beforeAll(async () => {
    influx = await startTestInfluxd();
    receiver = await webhookReceiver("a-shared-secret-of-32-characters");
    creds = await addDevices(dir.path, [
      { id: "aq-donre-hue", kind: "air" },
      { id: "aq-chan-may", kind: "air" },
      { id: "console", role: "operator" },
    ]);
    const admin = runCli(["tokens", "add", "ops-admin", "--role", "admin", "--json"], { IOC_DATA_DIR: dir.path });
    expect(admin.status).toBe(0);
    tokens.admin = (JSON.parse(admin.stdout) as { token: string }).token;
    hub = await startHub(dir.path, hubEnv());
    for (const role of ["environment", "fisheries"]) {
      const created = await api("/api/v1/tokens", "admin", { method: "POST", body: JSON.stringify({ name: `${role}-desk`, role }) });
      expect(created.status).toBe(201);
      tokens[role] = ((await created.json()) as { token: string }).token;
    }
  });
  afterAll(async () => {
    await hub?.stop();
    await receiver?.close();
    await influx?.destroy();
    dir.remove();
  });

  it("refuses requests without credentials or with the wrong role, with a clear body", async () => {
    const anonymous = await fetch(`${hub.httpUrl}/api/v1/alerts`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(
      (await api("/api/v1/alerts", "admin", { headers: { authorization: "Bearer ioc_000000000000_wrongwrongwrongwrongwrongwrongwr" } }))
        .status,
    ).toBe(401);
    const forbidden = await api("/api/v1/rules", "environment", { method: "PUT", body: JSON.stringify({ sensor: [] }) });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await api("/api/v1/webhooks", "fisheries")).status).toBe(403);
  });

  it("delivers a raised alert over MQTT, WebSocket and a webhook; ack over REST; clear; resume without gaps or duplicates", async () => {
    const hook = await api("/api/v1/webhooks", "admin", {
      method: "POST",
      body: JSON.stringify({ url: receiver.url, secret: "a-shared-secret-of-32-characters", filter: { domains: ["environment"] } }),
    });
    expect(hook.status).toBe(201);
    const webhookId = ((await hook.json()) as { id: string }).id;
    const receiverBackAt = Date.now() + 60_000; // the webhook receiver is down for a minute
    const operator = await connectDevice(hub.mqttUrl, creds.get("console"));
    await operator.subscribeAsync("ioc/v1/alerts/environment/#", { qos: 1 });
    const mqttAlerts = collect(operator, "ioc/v1/alerts/environment/pm25-high");
    const ws = stream(`${hub.httpUrl.replace("http", "ws")}/api/v1/alerts/stream?access_token=${tokens.environment}`);
    await ws.opened;
    const fisheriesWs = stream(`${hub.httpUrl.replace("http", "ws")}/api/v1/alerts/stream?access_token=${tokens.fisheries}`);
    await fisheriesWs.opened;

    const station = await connectDevice(hub.mqttUrl, creds.get("aq-donre-hue"));
    const t0 = Date.now();
    await publishReading(station, "aq-donre-hue", t0, { pm25: 162.5, pm10: 90 });
    await publishReading(station, "aq-donre-hue", t0 + 1000, { pm25: 170, pm10: 95 }); // still above: no new transition

    await mqttAlerts.waitFor(1);
    const mqttEvent = JSON.parse((mqttAlerts.messages[0] as { payload: Buffer }).payload.toString());
    expect(mqttEvent).toMatchObject({
      event: { type: "raised", actor: "system", notify: true },
      alert: {
        rule: "pm25-high",
        domain: "environment",
        subject: "aq-donre-hue",
        detail: "pm25",
        kind: "quality",
        state: "raised",
        value: 162.5,
        threshold: 150,
      },
    });
    await expect.poll(() => ws.events().map((m) => m.event?.type), { timeout: 5_000 }).toEqual(["raised"]);

    const list = (await (await api("/api/v1/alerts?state=open&domain=environment", "environment")).json()) as {
      alerts: { id: number; occurrences: number; rule: string }[];
    };
    const alert = list.alerts.find((a) => a.rule === "pm25-high");
    expect(alert).toMatchObject({ occurrences: 1 });
    const id = alert?.id as number;
    // Officers of another department see neither the alert nor its events.
    expect(((await (await api("/api/v1/alerts", "fisheries")).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect((await api(`/api/v1/alerts/${id}`, "fisheries")).status).toBe(404);

    // The webhook receiver is down: the hub keeps retrying.
    await expect.poll(() => receiver.state.refused, { timeout: 10_000 }).toBeGreaterThan(0);

    const ack = await api(`/api/v1/alerts/${id}/ack`, "environment", {
      method: "POST",
      body: JSON.stringify({ comment: "Trạm đang được kiểm tra" }),
    });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: "acknowledged", acknowledgedBy: "token:environment-desk" });
    const again = await api(`/api/v1/alerts/${id}/ack`, "environment", { method: "POST", body: "{}" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "alert_conflict" } });
    await expect.poll(() => ws.events().map((m) => m.event?.type), { timeout: 5_000 }).toEqual(["raised", "acknowledged"]);

    // Disconnect the stream, clear the condition meanwhile, resume from the last seq seen.
    const lastSeq = ws.events().at(-1)?.seq as number;
    ws.socket.close();
    await publishReading(station, "aq-donre-hue", t0 + 2000, { pm25: 110, pm10: 80 });
    await expect
      .poll(async () => ((await (await api(`/api/v1/alerts/${id}`, "environment")).json()) as { state: string }).state)
      .toBe("cleared");
    const resumed = stream(`${hub.httpUrl.replace("http", "ws")}/api/v1/alerts/stream?after=${lastSeq}&access_token=${tokens.environment}`);
    await expect.poll(() => resumed.messages.some((m) => m.type === "live"), { timeout: 5_000 }).toBe(true);
    expect(resumed.events().map((m) => [m.event?.type, m.alert?.id])).toEqual([["cleared", id]]);
    resumed.socket.close();
    expect(fisheriesWs.events()).toEqual([]);
    fisheriesWs.socket.close();

    const closed = await api(`/api/v1/alerts/${id}/close`, "environment", {
      method: "POST",
      body: JSON.stringify({ comment: "xe tải đỗ cạnh trạm" }),
    });
    expect(closed.status).toBe(200);
    const detail = (await (await api(`/api/v1/alerts/${id}`, "environment")).json()) as {
      state: string;
      audit: { action: string; actor: string; comment?: string }[];
    };
    expect(detail.state).toBe("closed");
    expect(detail.audit.map((a) => [a.action, a.actor, a.comment])).toEqual([
      ["raised", "system", undefined],
      ["acknowledged", "token:environment-desk", "Trạm đang được kiểm tra"],
      ["cleared", "system", "pm25 back to 110 (below 120)"],
      ["closed", "token:environment-desk", "xe tải đỗ cạnh trạm"],
    ]);

    // The receiver comes back after a minute: every environment event is delivered afterwards, in
    // order, once per idempotency key, signed; MQTT had one message per event all along.
    expect(receiver.state.accepted).toEqual([]);
    await new Promise((r) => setTimeout(r, Math.max(0, receiverBackAt - Date.now())));
    expect(receiver.state.refused).toBeGreaterThan(5);
    // Meanwhile the hub's own monitoring sees the webhook falling behind, and the alert's events.
    const monitoring = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(
      Number(new RegExp(`^ioc_webhook_backlog_events\\{webhook="${webhookId}"\\} (\\d+)$`, "m").exec(monitoring)?.[1]),
    ).toBeGreaterThan(0);
    expect(monitoring).toMatch(/^ioc_alert_events_total\{domain="environment",event="acknowledged"\} 1$/m);
    receiver.state.down = false;
    await expect.poll(() => new Set(receiver.state.accepted.map((r) => r.key)).size, { timeout: 20_000 }).toBe(4);
    expect(receiver.state.accepted.map((r) => r.body.event.type)).toEqual(["raised", "acknowledged", "cleared", "closed"]);
    expect(
      receiver.state.accepted.every((r) => r.validSignature && r.key === `ioc-alert-event-${r.seq}` && r.body.idempotencyKey === r.key),
    ).toBe(true);
    await mqttAlerts.waitFor(4);
    expect(mqttAlerts.messages.map((m) => JSON.parse(m.payload.toString()).event.type)).toEqual([
      "raised",
      "acknowledged",
      "cleared",
      "closed",
    ]);

    await expect
      .poll(
        async () =>
          (await influx.rows(`SELECT "event", "state" FROM "alert" WHERE "rule" = 'pm25-high'`)).map((r) => `${r.event}:${r.state}`),
        {
          timeout: 10_000,
        },
      )
      .toEqual(["raised:raised", "acknowledged:acknowledged", "cleared:cleared", "closed:closed"]);
    await Promise.all([operator.endAsync(), station.endAsync()]);
  }, 120_000);

  it("keeps alerts across a restart and re-sends nothing already delivered", async () => {
    const before = (await (await api("/api/v1/alerts", "admin")).json()) as { alerts: { id: number; state: string }[] };
    const accepted = receiver.state.accepted.length;
    expect(await hub.stop()).toBe(0);
    hub = await startHub(dir.path, hubEnv());
    const operator = await connectDevice(hub.mqttUrl, creds.get("console"));
    await operator.subscribeAsync("ioc/v1/alerts/#", { qos: 1 });
    const received = collect(operator, "ioc/v1/alerts/#");
    await new Promise((r) => setTimeout(r, 1_500));
    // Only the retained per-domain summaries arrive; no alert event is published again.
    expect(received.messages.map((m) => m.topic).filter((t) => !t.endsWith("/summary"))).toEqual([]);
    const summary = received.messages.find((m) => m.topic === "ioc/v1/alerts/environment/summary");
    expect(JSON.parse(summary?.payload.toString() ?? "{}")).toMatchObject({ domain: "environment" });
    expect(receiver.state.accepted.length).toBe(accepted);
    const after = (await (await api("/api/v1/alerts", "admin")).json()) as { alerts: { id: number; state: string }[] };
    expect(after.alerts).toEqual(before.alerts);
    await operator.endAsync();
  }, 60_000);

  it("computes hourly indices into env_index and raises when VN_AQI enters a worse category", async () => {
    const station = await connectDevice(hub.mqttUrl, creds.get("aq-chan-may"));
    const hour = 3_600_000;
    const start = Math.floor(Date.now() / hour) * hour - 4 * hour;
    // Four hours of heavy PM2.5 (hourly NowCast ≈ 100 µg/m³ → VN_AQI 164, Xấu), then one reading that closes the fourth hour.
    for (let h = 0; h < 4; h++)
      for (const m of [5, 25, 45]) await publishReading(station, "aq-chan-may", start + h * hour + m * 60_000, { pm25: 100 });
    await publishReading(station, "aq-chan-may", start + 4 * hour + 60_000, { pm25: 20 });
    await expect
      .poll(
        async () =>
          (
            await influx.rows(
              `SELECT "value", "category", "dominant" FROM "env_index" WHERE "station" = 'aq-chan-may' AND "index" = 'vn_aqi'`,
            )
          ).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(3);
    const rows = await influx.rows(
      `SELECT "value", "category", "dominant" FROM "env_index" WHERE "station" = 'aq-chan-may' AND "index" = 'vn_aqi'`,
    );
    expect(rows.at(-1)).toMatchObject({ value: 164, category: "bad", dominant: "pm25/1h" });
    const open = (await (await api("/api/v1/alerts?state=open&subject=aq-chan-may", "environment")).json()) as {
      alerts: { rule: string; detail?: string; message: string }[];
    };
    expect(open.alerts.find((a) => a.rule === "index-category" && a.detail === "vn_aqi")?.message).toMatch(/^VN_AQI 164: Xấu \/ Bad$/);
    await station.endAsync();
  }, 60_000);

  it("clears an open alert whose rule is taken out of the rules config, saying why", async () => {
    const original = (await (await api("/api/v1/rules", "admin")).json()) as { sensor: unknown[] };
    const withSpike = {
      ...original,
      sensor: [...original.sensor, { id: "pm10-spike", rule: "threshold", quantity: "pm10", params: { above: 400 } }],
    };
    expect((await api("/api/v1/rules", "admin", { method: "PUT", body: JSON.stringify(withSpike) })).status).toBe(200);
    const station = await connectDevice(hub.mqttUrl, creds.get("aq-chan-may"));
    await publishReading(station, "aq-chan-may", Date.now(), { pm10: 450 });
    const spike = async () =>
      (
        (await (await api("/api/v1/alerts?subject=aq-chan-may&limit=50", "admin")).json()) as {
          alerts: { id: number; rule: string; state: string; message: string }[];
        }
      ).alerts.find((a) => a.rule === "pm10-spike");
    expect((await until(spike, (a) => a?.state === "raised"))?.state).toBe("raised");
    // The entry goes: nothing would ever clear its alert, so the change of the rules does.
    expect((await api("/api/v1/rules", "admin", { method: "PUT", body: JSON.stringify(original) })).status).toBe(200);
    const cleared = await until(spike, (a) => a?.state === "cleared");
    expect(cleared?.state).toBe("cleared");
    // Why, in its audit trail.
    const { audit } = (await (await api(`/api/v1/alerts/${cleared?.id}`, "admin")).json()) as {
      audit: { action: string; actor: string; comment?: string }[];
    };
    expect(audit.at(-1)).toMatchObject({
      action: "cleared",
      comment: "no longer judged: rule pm10-spike was removed from the rules config",
    });
    await publishReading(station, "aq-chan-may", Date.now() + 1000, { pm10: 40 }); // pm10-high clears too
    await station.endAsync();
  }, 60_000);

  it("acknowledges and closes several alerts in one request, naming the ones it cannot act on", async () => {
    const station = await connectDevice(hub.mqttUrl, creds.get("aq-donre-hue"));
    const other = await connectDevice(hub.mqttUrl, creds.get("aq-chan-may"));
    const at = Date.now() + 5_000;
    await publishReading(station, "aq-donre-hue", at, { pm25: 180, pm10: 60 });
    await publishReading(other, "aq-chan-may", at, { pm25: 190, pm10: 60 });
    const raised = async () =>
      (
        (await (await api("/api/v1/alerts?state=raised&domain=environment", "environment")).json()) as {
          alerts: { id: number; rule: string }[];
        }
      ).alerts
        .filter((a) => a.rule === "pm25-high")
        .map((a) => a.id);
    await expect.poll(async () => (await raised()).length, { timeout: 5_000 }).toBe(2);
    const ids = (await raised()).sort((x, y) => x - y);

    expect((await api("/api/v1/alerts/ack", "environment", { method: "POST", body: JSON.stringify({ ids: [] }) })).status).toBe(400);
    // Not theirs: a fisheries officer is told there are no such alerts, and nothing changes.
    const foreign = (await (await api("/api/v1/alerts/ack", "fisheries", { method: "POST", body: JSON.stringify({ ids }) })).json()) as {
      results: { id: number; ok: boolean; error?: { code: string } }[];
    };
    expect(foreign.results.map((r) => [r.ok, r.error?.code])).toEqual([
      [false, "alert_not_found"],
      [false, "alert_not_found"],
    ]);
    const acked = await api("/api/v1/alerts/ack", "environment", {
      method: "POST",
      body: JSON.stringify({ ids: [...ids, 999_999], comment: "bụi từ công trường gần hai trạm" }),
    });
    expect(acked.status).toBe(200);
    expect(((await acked.json()) as { results: unknown[] }).results).toEqual([
      { id: ids[0], ok: true, state: "acknowledged" },
      { id: ids[1], ok: true, state: "acknowledged" },
      { id: 999_999, ok: false, error: { code: "alert_not_found", message: "no alert 999999" } },
    ]);
    const again = (await (await api("/api/v1/alerts/ack", "environment", { method: "POST", body: JSON.stringify({ ids }) })).json()) as {
      results: { ok: boolean; error?: { code: string } }[];
    };
    expect(again.results.map((r) => r.error?.code)).toEqual(["alert_conflict", "alert_conflict"]);
    const closed = (await (await api("/api/v1/alerts/close", "environment", { method: "POST", body: JSON.stringify({ ids }) })).json()) as {
      results: { state: string }[];
    };
    expect(closed.results.map((r) => r.state)).toEqual(["closed", "closed"]);
    const { audit } = (await (await api(`/api/v1/alerts/${ids[0]}`, "environment")).json()) as {
      audit: { action: string; comment?: string }[];
    };
    expect(audit.map((e) => [e.action, e.comment])).toEqual([
      ["raised", undefined],
      ["acknowledged", "bụi từ công trường gần hai trạm"],
      ["closed", undefined],
    ]);
    await station.endAsync();
    await other.endAsync();
  });

  it("publishes an OpenAPI document generated from the route schemas", async () => {
    const doc = (await (await fetch(`${hub.httpUrl}/docs/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/v1/alerts",
      "/api/v1/alerts/{id}",
      "/api/v1/alerts/{id}/ack",
      "/api/v1/alerts/ack",
      "/api/v1/rules",
      "/api/v1/webhooks",
      "/api/v1/tokens",
      "/api/v1/maintenance",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});
