#!/bin/sh
# Fails when protocol code (smtp/) includes an I/O header: sockets, Asio, OpenSSL, c-ares, clocks.
root=$1
hits=$(grep -nE '#include *[<"](boost/asio|asio|openssl/|ares|sys/socket|netinet/|unistd|thread|chrono.*clock)' \
  "$root"/src/smtp/*.cpp "$root"/include/smtpsend/smtp/*.hpp 2>/dev/null)
if [ -n "$hits" ]; then
  echo "smtp/ must not include I/O headers:"; echo "$hits"; exit 1
fi
grep -nE 'steady_clock|system_clock' "$root"/src/smtp/*.cpp "$root"/include/smtpsend/smtp/*.hpp && {
  echo "smtp/ must not read a clock"; exit 1; }
echo "smtp/ is sans-io: $(ls "$root"/src/smtp/*.cpp | wc -l) sources checked"
