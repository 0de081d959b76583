#!/usr/bin/env bash
# Starts the ASA emulator on loopback with a shipped sample configuration and audits it with
# "asaaudit live", exactly as a user would audit a real firewall. Needs only Go.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${sim:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/asasim" ./cmd/asasim
go build -o "$work/asaaudit" ./cmd/asaaudit

export ASASIM_PASSWORD=demo-password ASASIM_ENABLE_PASSWORD=demo-enable
port=${DEMO_PORT:-2299}
# The emulator serves the seed's configuration and, from a saved capture, its "show conn" and
# "show service-policy" outputs, so the runtime-evidence rules have something to read.
{ echo "TRUST-FW01# show running-config"; cat fixtures/evidence/seed-9x.config.txt fixtures/evidence/seed-9x.show.txt; } >"$work/capture.txt"
"$work/asasim" --capture "$work/capture.txt" --listen "127.0.0.1:$port" \
  --user audit --known-hosts "$work/known_hosts" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 50); do grep -q listening "$work/sim.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$work/sim.log" || { cat "$work/sim.log"; exit 1; }

echo "+ asaaudit live --host 127.0.0.1:$port --user audit --known-hosts ... --sip-port udp/5060 --sip-port udp/5061 --sip-port udp/5080 --register-interval 5m"
ASAAUDIT_PASSWORD=$ASASIM_PASSWORD ASAAUDIT_ENABLE_PASSWORD=$ASASIM_ENABLE_PASSWORD \
  "$work/asaaudit" live --host "127.0.0.1:$port" --user audit --known-hosts "$work/known_hosts" \
  --sip-port udp/5060 --sip-port udp/5061 --sip-port udp/5080 --register-interval 5m || code=$?
echo "exit code ${code:-0} (1 = findings, as expected for this sample)"
