// aedes authenticate hook: username = device id, password checked against its scrypt hash.
import type { TLSSocket } from "node:tls";
import type { AuthenticateError, Client } from "aedes";
import { INTERNAL_PRINCIPAL } from "./acl.js";
import type { AuthFailureReason } from "./auth-failures.js";
import type { BrokerContext } from "./broker-context.js";
import type { DeviceRegistry } from "./device-registry.js";
import { clientAddress } from "./client-address.js";

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export function createAuthenticate(context: BrokerContext, registry: DeviceRegistry) {
  const fail = (
    client: Client,
    reason: AuthFailureReason,
    username: string | undefined,
    code: number,
    done: (e: AuthenticateError, ok: null) => void,
  ) => {
    context.metrics.authFailures.inc({ reason });
    context.log.warn({ reason, username, clientId: client.id, remote: remoteOf(client) }, "MQTT connect refused");
    done(refusal(reason, code), null);
  };
  return (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    if (context.internal.has(client)) {
      context.principals.set(client, INTERNAL_PRINCIPAL);
      return done(null, true);
    }
    if (context.emptyIdPersistent.has(client)) return fail(client, "client_id_rejected", username, IDENTIFIER_REJECTED, done);
    const certified = certificateIdentity(client);
    if (certified !== undefined) {
      if (username && username !== certified) return fail(client, "certificate_mismatch", username, NOT_AUTHORIZED, done);
      if (!password) {
        const result = registry.byCertificate(certified);
        if (!result.ok)
          return fail(
            client,
            result.reason,
            certified,
            result.reason === "device_disabled" ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD,
            done,
          );
        context.principals.set(client, result.principal);
        context.byCertificate.add(client);
        return done(null, true);
      }
    }
    if (!username || !password) return fail(client, "anonymous", username, NOT_AUTHORIZED, done);
    registry.authenticate(username, password.toString("utf8"), remoteOf(client)).then(
      (result) => {
        if (!result.ok) {
          const code = result.reason === "device_disabled" || result.reason === "locked_out" ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
          return fail(client, result.reason, username, code, done);
        }
        context.principals.set(client, result.principal);
        done(null, true);
      },
      (error: Error) => {
        context.log.error({ err: error }, "device registry failed during authentication");
        fail(client, "registry_error", username, 3, done);
      },
    );
  };
}

/** The CN of a client certificate the TLS listener verified against the configured CA, if any. */
function certificateIdentity(client: Client): string | undefined {
  const socket = client.conn as unknown as Partial<TLSSocket>;
  if (!socket.authorized || typeof socket.getPeerCertificate !== "function") return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === "string" && cn.length > 0 ? cn : undefined;
}

export function remoteOf(client: Client): string | undefined {
  return clientAddress(client.conn, client.req);
}
