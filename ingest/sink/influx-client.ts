// InfluxDB over the v1 HTTP API (/ping, /write, /query), which 1.x speaks natively and 2.x/3.x
// through their v1 compatibility endpoints. Facts this relies on are in shared/notes: a 400
// "partial write" stores the other lines; an unknown precision is silently taken as ns; a failed
// query is HTTP 200 with results[i].error; a body over max-body-size is 413.
import { gzip } from "node:zlib";
import { promisify } from "node:util";

const gzipAsync = promisify(gzip);

export interface InfluxConnection {
  url: string;
  db: string;
  rp?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  timeoutMs?: number | undefined;
  /** Compress write bodies over 1 KiB: "auto" does unless the server is on this machine (loopback). */
  gzip?: "auto" | "always" | "never" | undefined;
}

export interface ServerInfo {
  version: string;
  /** 1, 2 or 3, from X-Influxdb-Version. */
  major: number;
  build?: string | undefined;
}

export type WriteOutcome =
  | { ok: true }
  | {
      ok: false;
      status: number;
      error: string;
      /** Network errors, 5xx (but a missing retention policy), 429: try the same batch again later. */
      retryable: boolean;
      /** 400 "partial write": the other lines were stored; only some points were refused. */
      partial: boolean;
      retryAfterMs?: number | undefined;
    };

export class InfluxQueryError extends Error {
  override name = "InfluxQueryError";
}

export interface QuerySeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export class InfluxClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private server: ServerInfo | undefined;

  private readonly gzipAbove: number;

  constructor(private readonly connection: InfluxConnection) {
    this.base = connection.url.replace(/\/+$/, "");
    this.timeoutMs = connection.timeoutMs ?? 10_000;
    const mode = connection.gzip ?? "auto";
    const loopback = /^(127\.|localhost$|\[::1\]$)/.test(new URL(this.base).hostname);
    // On loopback there is no network to save, only CPU to spend.
    this.gzipAbove = mode === "never" || (mode === "auto" && loopback) ? Number.POSITIVE_INFINITY : 1024;
  }

  get url(): string {
    return this.base;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.server;
  }

  private authHeaders(): Record<string, string> {
    const { token, user, password } = this.connection;
    if (token) {
      if (this.server?.major === 1) {
        throw new Error("influx.token is for InfluxDB 2.x/3.x; InfluxDB 1.x takes influx.user and influx.password");
      }
      return { authorization: `Token ${token}` };
    }
    if (user !== undefined) {
      return { authorization: `Basic ${Buffer.from(`${user}:${password ?? ""}`).toString("base64")}` };
    }
    return {};
  }

  /** GET /ping; learns the server version (X-Influxdb-Version) that decides auth and database creation. */
  async ping(): Promise<ServerInfo> {
    const response = await fetch(`${this.base}/ping`, { signal: AbortSignal.timeout(this.timeoutMs) });
    await response.arrayBuffer();
    if (response.status !== 204 && response.status !== 200) throw new Error(`/ping answered ${response.status}`);
    const version = response.headers.get("x-influxdb-version") ?? "unknown";
    const major = /^v?(\d+)/.exec(version)?.[1];
    this.server = { version, major: major ? Number(major) : 1, build: response.headers.get("x-influxdb-build") ?? undefined };
    return this.server;
  }

  /** Creates the database (and its default retention policy) on 1.x; 2.x/3.x map databases to buckets themselves. */
  async ensureDatabase(retention = "INF"): Promise<boolean> {
    const server = this.server ?? (await this.ping());
    if (server.major !== 1) return false;
    const rp = this.connection.rp ?? "autogen";
    await this.query(`CREATE DATABASE ${quoteIdent(this.connection.db)} WITH DURATION ${retention} NAME ${quoteIdent(rp)}`, {
      method: "POST",
      db: false,
    });
    return true;
  }

  /** POST /write with precision=ms (always explicit: an unknown precision is silently read as ns). */
  /** Lines, or a buffer of newline-separated lines (as the spool holds them: no copy). */
  async write(lines: readonly string[] | Buffer, options: { gzipAbove?: number } = {}): Promise<WriteOutcome> {
    const params = new URLSearchParams({ db: this.connection.db, precision: "ms" });
    if (this.connection.rp) params.set("rp", this.connection.rp);
    let body: Buffer = Buffer.isBuffer(lines) ? lines : Buffer.from(lines.length === 0 ? "" : `${lines.join("\n")}\n`, "utf8");
    const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8", ...this.authHeaders() };
    if (body.length > (options.gzipAbove ?? this.gzipAbove)) {
      body = await gzipAsync(body);
      headers["content-encoding"] = "gzip";
    }
    let response: Response;
    try {
      response = await fetch(`${this.base}/write?${params}`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, status: 0, error: cause ?? (error as Error).message, retryable: true, partial: false };
    }
    if (response.status === 204 || response.status === 200) {
      await response.arrayBuffer();
      return { ok: true };
    }
    const raw = await response.text();
    let error = raw;
    try {
      error = (JSON.parse(raw) as { error?: string }).error ?? raw;
    } catch {
      error = response.headers.get("x-influxdb-error") ?? raw;
    }
    const status = response.status;
    const partial = status === 400 && /partial write|unable to parse|field type conflict/.test(error);
    const configError = /retention policy not found/.test(error);
    const retryable = status === 0 || status === 429 || (status >= 500 && !configError);
    const retryAfter = Number(response.headers.get("retry-after"));
    return {
      ok: false,
      status,
      error,
      retryable,
      partial,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  }

  /**
   * Runs InfluxQL and returns each statement's series. A statement error comes back as HTTP 200
   * with results[i].error, so every statement is checked, not only the status.
   */
  async query(q: string, options: { method?: "GET" | "POST"; db?: string | false; epoch?: string } = {}): Promise<QuerySeries[][]> {
    const params = new URLSearchParams({ q, epoch: options.epoch ?? "ms" });
    if (options.db !== false) params.set("db", options.db ?? this.connection.db);
    if (this.connection.rp && options.db === undefined) params.set("rp", this.connection.rp);
    const method = options.method ?? "GET";
    const response = await fetch(
      method === "GET" ? `${this.base}/query?${params}` : `${this.base}/query`,
      method === "GET"
        ? { headers: this.authHeaders(), signal: AbortSignal.timeout(this.timeoutMs) }
        : {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", ...this.authHeaders() },
            body: params.toString(),
            signal: AbortSignal.timeout(this.timeoutMs),
          },
    );
    const text = await response.text();
    let parsed: { error?: string; results?: { error?: string; series?: QuerySeries[] }[] };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InfluxQueryError(`query answered ${response.status}: ${text.slice(0, 200)}`);
    }
    if (!response.ok || parsed.error) throw new InfluxQueryError(parsed.error ?? `query answered ${response.status}`);
    return (parsed.results ?? []).map((result, i) => {
      if (result.error) throw new InfluxQueryError(`statement ${i}: ${result.error}`);
      return result.series ?? [];
    });
  }
}

/** InfluxQL identifier quoting. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
