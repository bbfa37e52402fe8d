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
];
