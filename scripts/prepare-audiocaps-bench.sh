#!/usr/bin/env bash
# Measures prepare-audiocaps: makes N synthetic "downloaded videos" (640x360 at 25 fps, 12 s, H.264 + stereo AAC,
# a test pattern and a tone), a train.csv naming them, and prepares them with --jobs 1 and --jobs 2 into fresh
# folders. Prints each run's JSON line (clips_per_minute among it) and the load average around it, since the
# figure depends on what else the machine runs.
#   scripts/prepare-audiocaps-bench.sh [N]          (default 20)
# ENGINE overrides the engine command, e.g. ENGINE="dotnet Web.Engine/bin/Debug/net10.0/linux-x64/Web.Engine.dll".
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20}"
engine="${ENGINE:-dotnet run -c Release --project Web.Engine --}"
work="$(mktemp -d -t c2d-prepare-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/media"
echo "audiocap_id,youtube_id,start_time,caption" > "$work/train.csv"
for i in $(seq 1 "$count"); do
  id="$(printf 'bench%06d' "$i")"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=25:duration=12" \
    -f lavfi -i "sine=frequency=$((200 + 20 * i)):sample_rate=44100:duration=12" \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -ac 2 -shortest "$work/media/Synthetic clip $i [$id].mp4"
  echo "$i,$id,1,\"A tone of $((200 + 20 * i)) Hz, steady\"" >> "$work/train.csv"
done
echo "made $count videos in $work/media" >&2

for jobs in 1 2; do
  echo "jobs $jobs: load average before $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  $engine prepare-audiocaps --csv "$work/train.csv" --media "$work/media" --out "$work/out-$jobs" --jobs "$jobs" 2>/dev/null
  echo "jobs $jobs: load average after $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
