#!/usr/bin/env bash
# Queues N simulated users x M jobs through the HTTP API and measures the pages under that load. Every option of
# the tool passes through. Against a running server (default http://localhost:5080, 20 users x 3 jobs):
#   scripts/load-test.sh --url http://127.0.0.1:5080 --users 20 --jobs 3 [--steps 10] [--text-only] [--audio clip.wav]
# All its users come from one address, so start that server with loopback exempt from the per-address limits:
#   Network__ExemptNetworks__0=127.0.0.0/8 dotnet run --project Web.Server
# (without it the per-address limits refuse most of its submissions, which it waits out and retries).
#
# Or against engine workers it starts itself on 127.0.0.1 (redis-server, the front end in remote mode, N workers),
# one layout after another, each N workers x T threads (a bare N shares the cores among them):
#   scripts/load-test.sh --workers 2 [--worker-threads 1] --users 20 --jobs 3 --steps 25
#   scripts/load-test.sh --workers 1x2,2x1 ...      # or --compare-workers: 1 x all cores against 2 x half
# Exits 0 when every job was accepted once, completed, and appears once in the gallery (in every layout).
set -euo pipefail
cd "$(dirname "$0")/.."
for argument in "$@"; do
  if [[ "$argument" == "--workers" || "$argument" == "--compare-workers" ]]; then
    # The tool runs the Release front end and engine built beside it.
    dotnet build Web.Server -c Release --nologo -v quiet
    dotnet build Web.Engine -c Release --nologo -v quiet
    break
  fi
done
exec dotnet run --project tools/LoadTest -c Release -- "$@"
