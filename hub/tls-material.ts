// The TLS listeners' certificate, key and client CA, read from the configured files. Read again on
// SIGHUP and swapped in with setSecureContext: new connections get the new certificate, open ones
// keep theirs (nothing is dropped). A file that cannot be read keeps the old material in force.
import { readFileSync } from "node:fs";
import type { TlsOptions } from "node:tls";
import type { HubConfig } from "./config.js";

export function tlsMaterial(tls: HubConfig["tls"]): Pick<TlsOptions, "cert" | "key" | "ca"> {
  return {
    cert: readFileSync(tls.certFile as string),
    key: readFileSync(tls.keyFile as string),
    ...(tls.caFile && { ca: readFileSync(tls.caFile) }),
  };
}

/** Server options: client certificates requested when a CA is configured, required when so configured. */
export function tlsServerOptions(tls: HubConfig["tls"]): TlsOptions {
  const wantClientCerts = Boolean(tls.caFile) && tls.clientCerts !== "off";
  return {
    ...tlsMaterial(tls),
    minVersion: "TLSv1.2",
    requestCert: wantClientCerts,
    rejectUnauthorized: wantClientCerts && tls.clientCerts === "required",
  };
}
