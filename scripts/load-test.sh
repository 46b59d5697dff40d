#!/usr/bin/env bash
# Queues N simulated users x M jobs through the HTTP API of a running server and measures the pages under
# that load. Defaults: http://localhost:5080, 20 users x 3 jobs. Every option of the tool passes through:
#   scripts/load-test.sh --url http://127.0.0.1:5080 --users 20 --jobs 3 [--steps 10] [--text-only] [--audio clip.wav]
# Exits 0 when every job was accepted once, completed, and appears once in the gallery.
# All its users come from one address, so start the server with loopback exempt from the per-address limits:
#   Network__ExemptNetworks__0=127.0.0.0/8 dotnet run --project Web.Server
# (without it the per-address limits refuse most of its submissions, which it waits out and retries).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project tools/LoadTest -c Release -- "$@"
