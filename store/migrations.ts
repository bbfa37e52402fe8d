// Schema migrations, applied in order; entry i takes the database from version i to i + 1.
// Never edit a released entry: add a new one.
export const migrations: readonly string[] = [
  `CREATE TABLE devices (
     id            TEXT PRIMARY KEY,
     role          TEXT NOT NULL CHECK (role IN ('device', 'operator', 'integration')),
     kind          TEXT CHECK (kind IN ('air', 'water', 'vessel', 'ais-receiver')),
     password_hash TEXT NOT NULL,
     disabled      INTEGER NOT NULL DEFAULT 0,
     created_at    INTEGER NOT NULL,
     rotated_at    INTEGER NOT NULL,
     CHECK (role <> 'device' OR kind IS NOT NULL)
   );`,
  `CREATE TABLE vessels (
     id              TEXT PRIMARY KEY,
     name            TEXT NOT NULL,
     length_m        REAL NOT NULL,
     gross_tonnage   REAL,
     main_gear       TEXT,
     home_port       TEXT,
     owner           TEXT,
     mmsi            INTEGER UNIQUE,
     vms_device_id   TEXT UNIQUE,
     status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'decommissioned')),
     created_at      INTEGER NOT NULL,
     updated_at      INTEGER NOT NULL
   );
   CREATE TABLE transmitters (
     mmsi            INTEGER PRIMARY KEY,
     first_seen_at   INTEGER NOT NULL,
     last_seen_at    INTEGER NOT NULL,
     name            TEXT,
     callsign        TEXT,
     length_m        REAL,
     mismatch        TEXT
   );`,
  `CREATE TABLE zones (
     id          TEXT PRIMARY KEY,
     feature     TEXT NOT NULL,
     updated_at  INTEGER NOT NULL
   );`,
  `CREATE TABLE alerts (
     id              INTEGER PRIMARY KEY,
     rule            TEXT NOT NULL,
     domain          TEXT NOT NULL CHECK (domain IN ('fisheries', 'environment', 'system')),
     severity        TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
     subject         TEXT NOT NULL,
     detail          TEXT NOT NULL DEFAULT '',
     kind            TEXT,
     state           TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared', 'closed')),
     raised_at       INTEGER NOT NULL,
     last_seen_at    INTEGER NOT NULL,
     acknowledged_at INTEGER,
     acknowledged_by TEXT,
     cleared_at      INTEGER,
     closed_at       INTEGER,
     closed_by       TEXT,
     occurrences     INTEGER NOT NULL DEFAULT 1,
     reopened_at     TEXT NOT NULL DEFAULT '[]',
     flapping        INTEGER NOT NULL DEFAULT 0,
     muted           INTEGER NOT NULL DEFAULT 0,
     value           REAL,
     threshold       REAL,
     lat             REAL,
     lon             REAL,
     zone            TEXT,
     message         TEXT NOT NULL,
     evidence        TEXT NOT NULL DEFAULT '[]',
     notified_at     INTEGER NOT NULL,
     escalated_at    INTEGER
   );
   CREATE UNIQUE INDEX alerts_one_open ON alerts (rule, subject, detail) WHERE state IN ('raised', 'acknowledged');
   CREATE INDEX alerts_by_key ON alerts (rule, subject, detail, id);
   CREATE INDEX alerts_by_state ON alerts (state, domain);
   CREATE TABLE alert_events (
     seq       INTEGER PRIMARY KEY AUTOINCREMENT,
     alert_id  INTEGER NOT NULL REFERENCES alerts (id),
     at        INTEGER NOT NULL,
     type      TEXT NOT NULL,
     actor     TEXT NOT NULL,
     comment   TEXT,
     notify    INTEGER NOT NULL,
     document  TEXT NOT NULL
   );
   CREATE INDEX alert_events_by_alert ON alert_events (alert_id, seq);
   CREATE TABLE maintenance_windows (
     id          INTEGER PRIMARY KEY,
     subject     TEXT NOT NULL,
     starts_at   INTEGER NOT NULL,
     ends_at     INTEGER NOT NULL,
     reason      TEXT NOT NULL,
     created_by  TEXT NOT NULL,
     created_at  INTEGER NOT NULL,
     CHECK (ends_at > starts_at)
   );
   CREATE TABLE api_tokens (
     id          TEXT PRIMARY KEY,
     name        TEXT NOT NULL,
     role        TEXT NOT NULL CHECK (role IN ('operator', 'fisheries', 'environment', 'admin')),
     secret_hash TEXT NOT NULL,
     created_at  INTEGER NOT NULL,
     revoked_at  INTEGER
   );
   CREATE TABLE webhooks (
     id              TEXT PRIMARY KEY,
     url             TEXT NOT NULL,
     secret          TEXT NOT NULL,
     filter          TEXT NOT NULL,
     escalation_only INTEGER NOT NULL DEFAULT 0,
     cursor          INTEGER NOT NULL,
     created_at      INTEGER NOT NULL
   );
   CREATE TABLE webhook_dead_letters (
     id          INTEGER PRIMARY KEY,
     webhook_id  TEXT NOT NULL,
     seq         INTEGER NOT NULL,
     failed_at   INTEGER NOT NULL,
     attempts    INTEGER NOT NULL,
     last_error  TEXT NOT NULL
   );
   CREATE TABLE rule_state (
     key         TEXT PRIMARY KEY,
     state       TEXT NOT NULL,
     updated_at  INTEGER NOT NULL
   );
   CREATE TABLE settings (
     key    TEXT PRIMARY KEY,
     value  TEXT NOT NULL
   );`,
  // VMS terminals the register does not know, listed for the officers beside unknown AIS transmitters.
  `CREATE TABLE vms_terminals (
     terminal       TEXT PRIMARY KEY,
     first_seen_at  INTEGER NOT NULL,
     last_seen_at   INTEGER NOT NULL,
     reported_as    TEXT
   );`,
  // Alerts that ended (closed, or cleared unattended) by when they ended, for the retention sweep.
  `CREATE INDEX alerts_by_end ON alerts (COALESCE(closed_at, cleared_at)) WHERE state IN ('closed', 'cleared');
   CREATE INDEX webhook_dead_letters_by_time ON webhook_dead_letters (failed_at);`,
];
