// The closed set of MQTT authentication/authorisation failure reasons (ioc_auth_failures_total{reason}),
// documented in docs/errors.md.
export const authFailureReasons = {
  anonymous: "no username or password (CONNACK 5)",
  unknown_device: "no device with that id (CONNACK 4)",
  bad_password: "the password does not match the stored hash (CONNACK 4)",
  device_disabled: "the device is disabled with `ioc-hub devices disable` (CONNACK 5)",
  locked_out:
    "too many failed logins for this device id or from this address (security.login*): refused without checking the password until the lockout ends (CONNACK 5; HTTP 429 with Retry-After)",
  client_id_rejected: "zero-length client id with clean session 0, [MQTT-3.1.3-8] (CONNACK 2)",
  tls_handshake_failed:
    "a TLS client failed the handshake (no or an untrusted client certificate when required, wrong protocol); not a connection closed before it sent a byte",
  certificate_mismatch: "the client certificate's CN is not the username the client gave (CONNACK 5)",
  credentials_revoked: "a connected device was disabled, removed or given a new password: its connection is closed within seconds",
  connection_limit: "mqtt.maxConnections open connections in all (authenticated or not): the new one is closed at once",
  too_many_connections: "more than mqtt.maxConnectionsPerIp open connections from one address: the new one is closed at once",
  proxy_protocol_invalid:
    "a connection from a proxy in mqtt.trustedProxies did not start with a valid PROXY protocol header within mqtt.connectTimeoutMs: closed",
  retain_denied: "a retained publish outside the device status topics: delivered, but not retained",
  registry_error: "the device registry failed (CONNACK 3)",
  publish_denied: "publish outside the topic ACL (acknowledged, dropped, reported on the error topic)",
  subscribe_denied: "subscription outside the topic ACL (SUBACK 0x80)",
} as const;

export type AuthFailureReason = keyof typeof authFailureReasons;
