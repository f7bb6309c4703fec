#!/bin/sh
# Mails a disk usage report with smtpsend, for cron or by hand:
#   disk-report.sh ops@example.org [more recipients...]
# Success is silent. A temporary failure (exit 75: every server deferred or unreachable) is
# retried once after an hour; any other failure is reported on stderr, which cron mails.
set -u
[ $# -ge 1 ] || { echo "usage: $0 RECIPIENT..." >&2; exit 64; }

host=$(hostname -f 2>/dev/null || hostname)
report=$(mktemp) || exit 71
trap 'rm -f "$report"' EXIT

{
  printf 'From: Disk report <root@%s>\n' "$host"
  printf 'Subject: Disk usage on %s, %s\n' "$host" "$(date +%F)"
  printf 'Content-Type: text/plain; charset=UTF-8\n'
  printf '\n'
  df -h -x tmpfs -x devtmpfs
} >"$report"

send() { smtpsend -q -m "$report" "$@"; }

send "$@"
status=$?
if [ "$status" -eq 75 ]; then
  sleep 3600
  send "$@"
  status=$?
fi
[ "$status" -eq 0 ] || echo "disk-report: smtpsend exited with $status (see sysexits.h)" >&2
exit "$status"
