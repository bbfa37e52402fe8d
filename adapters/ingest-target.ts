// Where adapters hand their envelopes: the hub's IngestPipeline, or (ioc-hub adapter run) a
// forwarder to a remote hub. A refusal by the spool is counted against the adapter: a serial line
// cannot be re-sent the way an unacknowledged MQTT message is.
import type { Logger } from "../hub/logger.js";
import type { Envelope } from "../ingest/envelope.js";
import { NotAcceptedError } from "../ingest/pipeline.js";
import type { AdapterStatus } from "./adapter-status.js";

export interface IngestTarget {
  ingest(envelope: Envelope): Promise<unknown>;
}

/** Hands one envelope over; never throws. `units` is how many lines (or blocks) it carries. */
export async function deliver(target: IngestTarget, envelope: Envelope, units: number, status: AdapterStatus, log: Logger): Promise<void> {
  status.counters.lines += units;
  try {
    await target.ingest(envelope);
  } catch (error) {
    if (error instanceof NotAcceptedError) {
      status.counters.droppedSpoolFull += units;
      log.error({ address: status.address, units, reason: error.rejection.reason }, "data refused by the hub");
    } else {
      log.error({ err: error, address: status.address }, "ingest failed for an adapter's data");
    }
  }
}
