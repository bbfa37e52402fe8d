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
];
