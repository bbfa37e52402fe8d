// aedes authenticate hook: username = device id, password checked against its scrypt hash.
import type { AuthenticateError, Client } from "aedes";
import type { AuthFailureReason } from "./auth-failures.js";
import type { BrokerContext } from "./broker-context.js";
import type { DeviceRegistry } from "./device-registry.js";

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
    if (context.emptyIdPersistent.has(client)) return fail(client, "client_id_rejected", username, IDENTIFIER_REJECTED, done);
    if (!username || !password) return fail(client, "anonymous", username, NOT_AUTHORIZED, done);
    registry.authenticate(username, password.toString("utf8")).then(
      (result) => {
        if (!result.ok) {
          const code = result.reason === "device_disabled" ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
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

export function remoteOf(client: Client): string | undefined {
  const conn = client.conn as { remoteAddress?: string } | undefined;
  return client.req?.socket?.remoteAddress ?? conn?.remoteAddress;
}
