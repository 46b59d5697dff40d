#!/usr/bin/env bash
# Issue 15's soak in one process: demo training, demo generations with audio, an evaluation of audio / text-only
# pairs, then the web server hosted in the same process with jobs with audio through its API. Defaults are the
# full soak (2,000 / 300 / 50 / 100 at 25 denoising steps); every option shrinks a phase:
#   scripts/soak.sh [--training-steps 2000] [--generations 300] [--pairs 50] [--web-jobs 100] [--denoising-steps 25] [--threads N]
# Prints every phase's figures; exits 0 when no phase had a non-finite result and every web job completed once.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project tools/Soak -c Release -- "$@"
