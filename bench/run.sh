#!/usr/bin/env bash
# The benchmark in one command (issue 5):  bash bench/run.sh [bench.py options, e.g. --skip big]
# Installs the anchors if missing (msmtp, swaks, curl; Net::SSLeay for swaks's TLS; valgrind; GNU time),
# builds smtpsend and bench_hot_paths with -DSMTPSEND_BENCH=ON in build/, runs bench/bench.py
# and keeps its tables in build/bench-results.md. Needs root only to install packages; every
# server it starts binds 127.0.0.0/8 and is stopped by PID. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in msmtp swaks curl valgrind time; do
  type -P "$tool" >/dev/null || missing+=("$tool")  # type -P: "time" is also a bash keyword
done
perl -MNet::SSLeay -e 1 2>/dev/null || missing+=(libnet-ssleay-perl)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> Installing the benchmark's anchors: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bench: not installed: ${missing[*]} (apt-get install them as root); their cells say so" >&2
  fi
fi
# The servers and the rest of the toolchain are the project's own dependencies.
for needed in /usr/sbin/smtp-sink /usr/sbin/dnsmasq /usr/bin/openssl; do
  [ -x "$needed" ] || { echo "bench: $needed missing; run scripts/install-deps.sh" >&2; exit 1; }
done

echo "==> Building smtpsend and bench_hot_paths (build/, RelWithDebInfo, -DSMTPSEND_BENCH=ON)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMTPSEND_BENCH=ON >/dev/null
cmake --build build --target smtpsend bench_hot_paths

echo "==> Running bench/bench.py"
/usr/bin/python3 bench/bench.py --smtpsend build/smtpsend --hot-paths build/bench/bench_hot_paths \
  --json build/bench-results.json "$@" | tee build/bench-results.md
