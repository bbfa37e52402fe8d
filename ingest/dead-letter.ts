// The dead-letter log: every refused message (raw bytes, base64) and every point InfluxDB refused,
// as JSON lines, rotated by size: dead-letter.jsonl, then dead-letter.1.jsonl … (oldest last).
import { mkdirSync } from "node:fs";
import { type FileHandle, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface DeadLetterRecord {
  at: string;
  kind: "message" | "point";
  reasons: string[];
  deviceId?: string | undefined;
  topic?: string | undefined;
  via?: string | undefined;
  rejections?: readonly unknown[];
  /** The raw payload, base64, so non-UTF-8 bytes survive. */
  payloadBase64?: string;
  /** A refused line-protocol point. */
  line?: string;
  error?: string;
}

export class DeadLetterLog {
  private fh: FileHandle | undefined;
  private size = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly options: { maxFileBytes: number; maxFiles: number },
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "dead-letter.jsonl");
  }

  /** Appends one record; records are written in call order. */
  append(record: DeadLetterRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const next = this.chain.then(() => this.write(line));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async write(line: string): Promise<void> {
    if (!this.fh) {
      this.fh = await open(this.file, "a");
      this.size = (await stat(this.file)).size;
    }
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.options.maxFileBytes) await this.rotate();
    await (this.fh as FileHandle).appendFile(line);
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    const keep = this.options.maxFiles;
    await rm(join(this.dir, `dead-letter.${keep - 1}.jsonl`), { force: true });
    for (let i = keep - 2; i >= 1; i--) {
      await rename(join(this.dir, `dead-letter.${i}.jsonl`), join(this.dir, `dead-letter.${i + 1}.jsonl`)).catch(() => undefined);
    }
    if (keep > 1) await rename(this.file, join(this.dir, "dead-letter.1.jsonl"));
    else await rm(this.file, { force: true });
    this.fh = await open(this.file, "a");
    this.size = 0;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh?.close();
    this.fh = undefined;
  }
}
