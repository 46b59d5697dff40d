#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine. The tests need a few Debian packages (a browser
# for the page tests, ffmpeg and sox to make audio files, sound files nobody here wrote, redis-server for
# the engine workers' tests, shellcheck and systemd-analyze for the operations scripts); as root this
# installs what is missing, otherwise it prints the exact command to run first.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium ffmpeg sox flac sound-theme-freedesktop alsa-utils sound-icons redis-server shellcheck systemd)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing test dependencies: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The tests need these Debian packages. Install them first with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

dotnet test Clap2Diffusion.Web.sln --logger "console;verbosity=minimal" "$@"
