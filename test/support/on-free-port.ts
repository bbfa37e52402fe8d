// Starts a server on a port the system had free a moment ago; another process can take it before
// the server binds it (a failure seen in CI with influxd), so a failed start is tried again on
// another port, up to three times.
import { freePort } from "../../ingest/sink/managed-influxd.js";

export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}
