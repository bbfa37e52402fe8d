// `ioc-hub certs dev [--out dir] [--device id]…`: a local certificate authority, a server
// certificate for localhost / 127.0.0.1 / ::1, and a client certificate per device id (CN = id), made
// with the system's openssl — for trying TLS and mutual TLS on one machine and for the tests. Never
// for production: there, certificates come from the centre's PKI.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

function openssl(args: string[], cwd: string): void {
  const run = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (run.error) throw new Error(`openssl is needed for certs dev: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr.trim()}`);
}

export interface DevCertificates {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  devices: Record<string, { cert: string; key: string }>;
}

/** Makes (or remakes) the CA, the server pair and one client pair per device in `dir`. */
export function makeDevCertificates(dir: string, devices: string[], days = 30): DevCertificates {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const key = (name: string) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name], out);
  key("ca.key");
  openssl(
    ["req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", String(days), "-subj", "/CN=ioc-hub dev CA", "-out", "ca.crt"],
    out,
  );
  const sign = (name: string, cn: string, extensions: string) => {
    key(`${name}.key`);
    openssl(["req", "-new", "-key", `${name}.key`, "-subj", `/CN=${cn}`, "-out", `${name}.csr`], out);
    writeFileSync(join(out, `${name}.ext`), extensions);
    openssl(
      [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        String(days),
        "-sha256",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.crt`,
      ],
      out,
    );
  };
  sign("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n");
  const result: DevCertificates = {
    dir: out,
    ca: join(out, "ca.crt"),
    serverCert: join(out, "server.crt"),
    serverKey: join(out, "server.key"),
    devices: {},
  };
  for (const id of devices) {
    sign(`device-${id}`, id, "extendedKeyUsage=clientAuth\n");
    result.devices[id] = { cert: join(out, `device-${id}.crt`), key: join(out, `device-${id}.key`) };
  }
  return result;
}

export function runCertsCommand(args: string[], options: { out?: string; device?: string[] }): number {
  if (args[0] !== "dev") {
    process.stderr.write("ioc-hub: certs dev [--out dir] [--device id]…\n");
    return 2;
  }
  const made = makeDevCertificates(options.out ?? "./var/certs", options.device ?? []);
  process.stdout.write(
    [
      `CA:     ${made.ca}`,
      `server: ${made.serverCert} ${made.serverKey}`,
      ...Object.entries(made.devices).map(([id, c]) => `device ${id}: ${c.cert} ${c.key}`),
      `config: {"tls": {"certFile": "${made.serverCert}", "keyFile": "${made.serverKey}", "caFile": "${made.ca}"}}`,
      "",
    ].join("\n"),
  );
  return 0;
}
