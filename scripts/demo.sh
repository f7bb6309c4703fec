#!/usr/bin/env bash
# The demo: builds smtpsend, starts a DNS server (dnsmasq) and a mail server (Postfix's smtp-sink)
# on loopback, sends a message to user@example.test through real MX resolution, and prints what
# the mail server received. Needs no internet. Usage: scripts/demo.sh (as root on Debian 12).
set -euo pipefail

cd "$(dirname "$0")/.."
python=/usr/bin/python3
mx_ip=127.0.0.2          # mx1.example.test
work=$(mktemp -d /tmp/smtpsend-demo.XXXXXX)
mkdir "$work/mail"
chmod 0777 "$work" "$work/mail"  # dnsmasq and smtp-sink drop root privileges to nobody
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    # Bounded wait (3 s), then SIGKILL.
    for _ in 1 2 3 4 5 6; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {  # $1: tcp|udp, $2: address
  "$python" -c 'import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind); s.bind((sys.argv[2], 0)); print(s.getsockname()[1])' "$1" "$2"
}

compose() {  # the demo message (composing options such as -s arrive in a later issue)
  printf 'From: Demo Sender <demo@client.test>\nTo: User <user@example.test>\nSubject: Hello from smtpsend\n\n'
  printf 'This message was routed by the MX record of example.test.\n'
  printf '.A line starting with a dot survives dot-stuffing.\n'
}

wait_until() {  # $1: description, then a command; tries for 10 s
  local what=$1
  shift
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "demo: $what did not come up" >&2
  return 1
}

echo "==> Installing missing packages and building (build/)"
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target smtpsend

dns_port=$(free_port udp 127.0.0.1)
smtp_port=$(free_port tcp "$mx_ip")

echo "==> Starting dnsmasq on 127.0.0.1:$dns_port: example.test MX 10 mx1.example.test, mx1.example.test A $mx_ip"
cat >"$work/zone.conf" <<ZONE
local=/test/
mx-host=example.test,mx1.example.test,10
host-record=mx1.example.test,$mx_ip
ZONE
/usr/sbin/dnsmasq --no-resolv --no-hosts --port="$dns_port" --listen-address=127.0.0.1 --bind-interfaces \
  --keep-in-foreground --pid-file="$work/dnsmasq.pid" --conf-file="$work/zone.conf" &
pids+=($!)
wait_until "dnsmasq" test -s "$work/dnsmasq.pid"

echo "==> Starting Postfix smtp-sink on $mx_ip:$smtp_port (each message dumped to a file)"
sink_user=()
[ "$(id -u)" -ne 0 ] || sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" -h mx1.example.test -d "$work/mail/%M." "$mx_ip:$smtp_port" 16 &
pids+=($!)
wait_until "smtp-sink" "$python" -c "import socket; socket.create_connection(('$mx_ip', $smtp_port), 1).close()"

smtpsend=(build/smtpsend --dns-server "127.0.0.1:$dns_port" --mx-port "$smtp_port" --helo demo.client.test --timeout 10)

echo
echo "==> The delivery plan: smtpsend --dry-run user@example.test"
compose | "${smtpsend[@]}" --dry-run user@example.test

echo
echo "==> Sending: printf 'From: ...\nSubject: ...\n\n...' | smtpsend -v user@example.test"
status=0
compose | "${smtpsend[@]}" -v user@example.test || status=$?
echo "==> smtpsend exited with $status"

echo
echo "==> What the mail server received:"
received=$(find "$work/mail" -type f | head -n 1)
if [ "$status" -ne 0 ] || [ -z "$received" ]; then
  echo "demo: delivery FAILED" >&2
  exit 1
fi
cat "$received"
echo "==> Demo done: delivered through real MX resolution."
