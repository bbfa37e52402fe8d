// How long the hub's database keeps alerts: those that ended (closed by an operator, or cleared
// unattended: a later raise of the same condition opens a new alert once the reopen window has
// passed) are deleted with their audit trail `alerts.retentionDays` after they ended, and webhook
// dead letters that old. Without it the database grew for good: every zone entry of every vessel
// is an alert with its events (~1 KB each). The `alert` measurement in InfluxDB keeps every event
// (without operators' comments) for its own retention policy. Open alerts are never deleted.
import type { Database } from "../store/database.js";

export interface PruneResult {
  alerts: number;
  events: number;
  deadLetters: number;
}

/** Alerts deleted per transaction: the sweep yields to the event loop between chunks. */
const CHUNK = 1000;

export async function pruneAlerts(db: Database, endedBeforeMs: number, chunk = CHUNK): Promise<PruneResult> {
  const ended = db.prepare(
    // INDEXED BY: with no statistics SQLite prefers alerts_by_state, which scans every ended alert.
    "SELECT id FROM alerts INDEXED BY alerts_by_end WHERE state IN ('closed', 'cleared') AND COALESCE(closed_at, cleared_at) < ? LIMIT ?",
  );
  const deleteEvents = db.prepare("DELETE FROM alert_events WHERE alert_id = ?");
  const deleteAlert = db.prepare("DELETE FROM alerts WHERE id = ?");
  const result: PruneResult = { alerts: 0, events: 0, deadLetters: 0 };
  const deleteChunk = db.transaction(() => {
    const ids = (ended.all(endedBeforeMs, chunk) as { id: number }[]).map((r) => r.id);
    for (const id of ids) {
      result.events += deleteEvents.run(id).changes;
      result.alerts += deleteAlert.run(id).changes;
    }
    return ids.length;
  });
  while (deleteChunk() === chunk) await new Promise((resolve) => setImmediate(resolve));
  result.deadLetters = db.prepare("DELETE FROM webhook_dead_letters WHERE failed_at < ?").run(endedBeforeMs).changes;
  return result;
}
