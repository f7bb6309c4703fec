#!/bin/sh
# Fails when smtpsend names a shared library beyond the few it needs at every start: each one
# loaded costs every run its symbol binding (docs/performance.md "Start-up"; loading
# libstdc++.so alone was 1.7 M of a 5.7 M-instruction send). Libraries used by one feature
# are dlopen()ed there (libmagic, libpsl); C++ libraries are compiled in (fmt, toml++).
binary=$1
command -v readelf >/dev/null || { echo "readelf not found: apt-get install binutils"; exit 1; }
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "no NEEDED entries read from $binary"; exit 1; }
extra=$(echo "$needed" | grep -vE '^(libcares\.so\.2|libidn2\.so\.0|libm\.so\.6|libc\.so\.6|ld-linux[-a-z0-9_]*\.so\.[0-9])$')
if [ -n "$extra" ]; then
  echo "smtpsend loads more than c-ares, libidn2, libm and libc at start-up:"; echo "$extra"
  exit 1
fi
echo "smtpsend needs only: $(echo $needed)"
