// Rule state (which vessel is inside what, sustained-exceedance timers, last readings) saved in the
// hub's SQLite database so that a restart does not forget a condition and raise or clear it again.
// Engines hand over only the states that changed since the last save.
import type { Database } from "../store/database.js";

export class RuleStateStore {
  constructor(
    private readonly db: Database,
    /** Namespace of one engine's keys (`sensor`, `vessel`). */
    private readonly prefix: string,
  ) {}

  load(): [string, unknown][] {
    const rows = this.db.prepare("SELECT key, state FROM rule_state WHERE key LIKE ? || ':%'").all(this.prefix) as {
      key: string;
      state: string;
    }[];
    return rows.map((r) => [r.key.slice(this.prefix.length + 1), JSON.parse(r.state)]);
  }

  save(changes: readonly [string, unknown][], nowMs = Date.now()): void {
    if (changes.length === 0) return;
    const upsert = this.db.prepare(
      "INSERT INTO rule_state (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    );
    const remove = this.db.prepare("DELETE FROM rule_state WHERE key = ?");
    this.db.transaction(() => {
      for (const [key, state] of changes) {
        if (state === undefined) remove.run(`${this.prefix}:${key}`);
        else upsert.run(`${this.prefix}:${key}`, JSON.stringify(state), nowMs);
      }
    })();
  }
}
