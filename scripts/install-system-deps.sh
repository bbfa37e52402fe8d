#!/usr/bin/env bash
# Installs, idempotently, the Debian packages the hub's tests, demo and benchmark run for real:
# influxd (the store), mosquitto (the benchmark's peer broker), socat (serial ptys for adapter tests),
# docker-compose (Debian's 1.29, to check docker-compose.yml with `config -q`: it needs no Docker engine),
# redis-server (shared aedes across hub instances, docs/scaling.md),
# gpsd-clients (gpsdecode: the AIS decoder's reference, the simulators' round-trip check and the AIS
# benchmark's peer), haproxy (the load balancer of docker-compose.scale.yml, sending the PROXY protocol
# in its end-to-end test), chromium (the operator console's end-to-end tests, driven by playwright-core;
# no browser download). `--bench` is accepted for compatibility and installs the same.
# Does nothing when they are already there; needs root (or sudo) otherwise.
set -euo pipefail

need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v influx >/dev/null 2>&1 || need+=(influxdb-client)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v gpsdecode >/dev/null 2>&1 || need+=(gpsd-clients)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-system-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
fi

echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps the install small; the packages' services are not started (no systemd here).
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
