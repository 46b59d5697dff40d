#!/usr/bin/env bash
# Issue 22's abuse checks against a server of its own on loopback (127.0.0.1, a fresh data folder, loopback NOT
# exempt), each bounded in count and time, then prints what held:
#   scripts/abuse-test.sh [--port 5190] [--keep]
# Uses the built server (dotnet build Clap2Diffusion.Web.sln first); every request goes to 127.0.0.0/8 only.
# Exits 0 when every check held.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=5190
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "Unknown option '$1'." >&2; exit 2 ;;
  esac
done

DLL=$(ls -t Web.Server/bin/*/net10.0/*/Web.Server.dll 2>/dev/null | head -1 || true)
[[ -n "$DLL" ]] || { echo "Build the solution first: no Web.Server.dll under Web.Server/bin." >&2; exit 2; }
DATA=$(mktemp -d /tmp/c2d-abuse.XXXXXX)
URL="http://127.0.0.1:$PORT"
ADMIN_EMAIL="admin@abuse.test"
ADMIN_PASSWORD="abuse-test-password-22"
export Admin__Password="$ADMIN_PASSWORD"
HELD=0
BROKEN=0
SERVER_PID=""

# The server's settings: small caps so each limit is met within a few dozen requests; loopback is not exempt.
server_vars() {
  echo "ASPNETCORE_ENVIRONMENT=Development Storage__DataFolder=$1 Engine__Threads=1 Studio__SeedExamples=false" \
    "Admin__Email=$ADMIN_EMAIL Queue__MaxQueued=20 Queue__MaxActivePerClient=10"
}

stop() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
}
cleanup() { stop; [[ $KEEP == 1 ]] && echo "data kept in $DATA" || rm -rf "$DATA"; }
trap cleanup EXIT

start() { # data folder, port
  (cd "$(dirname "$DLL")" && exec env $(server_vars "$1") dotnet Web.Server.dll --urls "http://127.0.0.1:$2") >"$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/health" | grep -q 200; then return 0; fi
    sleep 0.5
  done
  echo "The server on port $2 did not become ready; its log is $1.log" >&2; exit 1
}

verdict() { # held?, what
  if [[ "$1" == 1 ]]; then HELD=$((HELD + 1)); echo "HELD    $2"; else BROKEN=$((BROKEN + 1)); echo "BROKEN  $2"; fi
}

issue() { # [address]
  curl -s --max-time 10 --interface "${1:-127.0.0.1}" -X POST "$URL/api/clients" | sed -n 's/.*"clientId":"\([^"]*\)".*/\1/p'
}

submit() { # id, prompt -> status
  curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "X-Client-Id: $1" -F "prompt=$2" -F steps=2 "$URL/api/jobs"
}

# Signs in with the form as a browser does, from source address $1 with cookie jar $2; prints the status.
sign_in() { # address, jar, password
  local page token handler email_name password_name
  page=$(curl -s --max-time 10 --interface "$1" -c "$2" -b "$2" "$URL/account/login")
  token=$(grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/')
  handler=$(grep -o 'name="_handler"[^>]*value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/')
  email_name=$(grep -o '<input[^>]*id="email"[^>]*>' <<<"$page" | sed 's/.*name="\([^"]*\)".*/\1/')
  password_name=$(grep -o '<input[^>]*id="password"[^>]*>' <<<"$page" | sed 's/.*name="\([^"]*\)".*/\1/')
  curl -s --max-time 10 --interface "$1" -c "$2" -b "$2" -o "$2.page" -w '%{http_code}' \
    --data-urlencode "$email_name=$ADMIN_EMAIL" --data-urlencode "$password_name=$3" \
    --data-urlencode "_handler=$handler" --data-urlencode "__RequestVerificationToken=$token" "$URL/account/login"
}

echo "server: $DLL on $URL, data $DATA"
start "$DATA/server" "$PORT"
clock=$(date +%s)

# 1. A made-up id is refused, and the refusal says how to get one.
body=$(curl -s --max-time 10 -w ' %{http_code}' -H 'X-Client-Id: made-up-client-0001' -F prompt=x "$URL/api/jobs")
[[ "$body" == *401 && "$body" == *"POST /api/clients"* ]] && ok=1 || ok=0
verdict $ok "forged X-Client-Id: ${body##* } ($(grep -o 'POST /api/clients' <<<"$body" | head -1 || echo 'no hint'))"

# 2. One fixed id: the per-client limit (Queue:SubmissionsPerWindow 12, 10 active at most).
fixed=$(issue); accepted=0
for i in $(seq 1 14); do [[ $(submit "$fixed" "fixed $i") == 202 ]] && accepted=$((accepted + 1)); done
[[ $accepted -lt 14 ]] && ok=1 || ok=0
verdict $ok "14 submissions under one id: $accepted accepted, $((14 - accepted)) refused"

# 3. The queue is fair: a newcomer is served next, not after the backlog above.
newcomer=$(issue 127.0.0.8)
job=$(curl -s --max-time 10 --interface 127.0.0.8 -H "X-Client-Id: $newcomer" -F 'prompt=newcomer' -F steps=2 "$URL/api/jobs")
position=$(sed -n 's/.*"position":\([0-9]*\).*/\1/p' <<<"$job")
newcomer_job=$(sed -n 's/.*"jobId":"\([^"]*\)".*/\1/p' <<<"$job")
[[ -n "$position" && "$position" -le 2 ]] && ok=1 || ok=0
verdict $ok "a newcomer behind the $accepted jobs of one id is at queue position ${position:-refused: $job}"

# 4. 50 submissions under 50 asked-for ids from one address (127.0.0.4): ids and submissions both meet the
#    per-address limits (Network:ClientIdsPerAddress, Network:SubmissionsPerAddress, 30 a minute each).
ids=(); refused_ids=0
for i in $(seq 1 50); do
  id=$(curl -s --max-time 10 --interface 127.0.0.4 -X POST "$URL/api/clients" | sed -n 's/.*"clientId":"\([^"]*\)".*/\1/p')
  if [[ -n "$id" ]]; then ids+=("$id"); else refused_ids=$((refused_ids + 1)); fi
done
accepted=0; refused=0; full=0
for i in $(seq 0 49); do
  code=$(curl -s --max-time 10 --interface 127.0.0.4 -o /dev/null -w '%{http_code}' -H "X-Client-Id: ${ids[$((i % ${#ids[@]}))]}" \
    -F "prompt=many ids $i" -F steps=2 "$URL/api/jobs")
  case "$code" in 202) accepted=$((accepted + 1)) ;; 429) refused=$((refused + 1)) ;; 503) full=$((full + 1)) ;; esac
done
[[ ${#ids[@]} -le 30 && $accepted -le 30 ]] && ok=1 || ok=0
verdict $ok "50 ids asked for from one address: ${#ids[@]} issued, $refused_ids refused; 50 submissions under them: $accepted accepted, $refused refused per address, $full refused as the queue was full"

# 5. The queue is capped (Queue:MaxQueued 20): past it comes 503 with Retry-After. Longer jobs, so it fills; the
#    first refusal is the evidence (a job may finish, and free a place, a moment later).
retry=""
for i in $(seq 1 30); do
  retry=$(curl -s --max-time 10 --interface 127.0.0.5 -o /dev/null -D - -H "X-Client-Id: $(issue 127.0.0.5)" -F "prompt=filler $i" -F steps=25 "$URL/api/jobs" | tr -d '\r')
  [[ "$retry" == *" 202"* ]] || break
done
[[ "$retry" == *" 503"* && "$retry" == *"Retry-After"* ]] && ok=1 || ok=0
verdict $ok "a full queue: $(head -1 <<<"$retry" | cut -d' ' -f2) with $(grep -i '^Retry-After' <<<"$retry" || echo 'no Retry-After')"

# 6. Six wrong passwords from 127.0.0.2 do not keep the admin out at 127.0.0.3.
#    The stranger's own address is slowed down (backoff, then a lock of that account from that address).
locked=0
for i in $(seq 1 6); do
  sign_in 127.0.0.2 "$DATA/jar-stranger" "wrong guess $i" >/dev/null
  grep -q 'locked until' "$DATA/jar-stranger.page" && locked=$((locked + 1))
done
admin=$(sign_in 127.0.0.3 "$DATA/jar-admin" "$ADMIN_PASSWORD")
[[ $locked -gt 0 && "$admin" == 302 ]] && ok=1 || ok=0
verdict $ok "6 wrong passwords from 127.0.0.2 ($locked answered 'locked until' there): the right one from 127.0.0.3 answers $admin (302: signed in)"

# 7. Sign-out ends the session on the server: a copy of the cookie stops working.
cp "$DATA/jar-admin" "$DATA/jar-copy"
before=$(curl -s --max-time 10 --interface 127.0.0.3 -b "$DATA/jar-copy" -o /dev/null -w '%{http_code}' "$URL/admin")
page=$(curl -s --max-time 10 --interface 127.0.0.3 -b "$DATA/jar-admin" -c "$DATA/jar-admin" "$URL/admin")
token=$(grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/')
curl -s --max-time 10 --interface 127.0.0.3 -b "$DATA/jar-admin" -c "$DATA/jar-admin" -o /dev/null \
  --data-urlencode "returnUrl=/" --data-urlencode "__RequestVerificationToken=$token" "$URL/account/logout"
after=$(curl -s --max-time 10 --interface 127.0.0.3 -b "$DATA/jar-copy" -o /dev/null -w '%{http_code}' "$URL/admin")
[[ "$before" == 200 && "$after" == 302 ]] && ok=1 || ok=0
verdict $ok "a copied admin cookie: /admin answers $before before sign-out, $after after (302: to sign-in)"

# 8. Uploads cannot be amplified: 59 s of 384 kHz silence packs into tens of KB of FLAC, and is stored as 48 kHz
#    mono 16-bit at most (5.7 MB, under Storage:MaxAudioBytes), not as the 45 MB WAV of its own rate.
if command -v sox >/dev/null; then
  sox -D -n -r 384000 -c 1 -b 16 "$DATA/silence.flac" trim 0 59
  sent=$(stat -c %s "$DATA/silence.flac")
  clip=$(curl -s --max-time 60 --interface 127.0.0.9 -H "X-Client-Id: $(issue 127.0.0.9)" -F "audio=@$DATA/silence.flac" "$URL/api/uploads")
  rate=$(sed -n 's/.*"sampleRate":\([0-9]*\).*/\1/p' <<<"$clip")
  stored=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' <<<"$clip")
  [[ -n "$rate" && "$rate" -le 48000 && "$stored" -le 10000000 ]] && ok=1 || ok=0
  verdict $ok "a $sent-byte FLAC of 59 s at 384 kHz: stored at ${rate:-?} Hz, ${stored:-?} bytes"
else
  echo "SKIPPED upload amplification: sox is not installed (scripts/test.sh installs it)"
fi

# 9. An online backup while submissions go on; the restored server has the backup's jobs, and ids the original
#    issued still hold there (the keys came along). (That the restored gallery and study results equal the
#    original's at the backup's moment is BackupTests' check, which can hold the engine still.)
load_until=$(( $(date +%s) + 15 ))
( while [[ $(date +%s) -lt $load_until ]]; do
    curl -s --max-time 10 --interface 127.0.0.7 -o /dev/null -H "X-Client-Id: $(issue 127.0.0.7)" -F 'prompt=load during backup' -F steps=2 "$URL/api/jobs"
    sleep 0.2
  done ) &
load_pid=$!
sleep 2
(cd "$(dirname "$DLL")" && env $(server_vars "$DATA/server") dotnet Web.Server.dll backup --out "$DATA/backup") >"$DATA/backup.log" 2>&1 && backed=1 || backed=0
wait "$load_pid" || true
echo "        $(tail -1 "$DATA/backup.log")"
stop
mkdir -p "$DATA/restored"
cp -r "$DATA/backup/." "$DATA/restored/"
start "$DATA/restored" $((PORT + 1))
restored_total=$(curl -s --max-time 10 "http://127.0.0.1:$((PORT + 1))/api/gallery?take=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
newcomer_there=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "X-Client-Id: $newcomer" "http://127.0.0.1:$((PORT + 1))/api/jobs/$newcomer_job")
[[ $backed == 1 && -n "$restored_total" && "$newcomer_there" == 200 ]] && ok=1 || ok=0
verdict $ok "online backup under load restored: gallery of ${restored_total:-?} finished jobs; the original's id reads its job there: $newcomer_there"
stop

echo "$HELD held, $BROKEN broken, in $(( $(date +%s) - clock )) s"
[[ $BROKEN == 0 ]]
