#!/bin/sh
# Fails when protocol code (smtp/, every subfolder included) includes an I/O header (sockets,
# Asio, OpenSSL, c-ares, files, clocks) or reads message data itself: the transport reads it and
# hands it in (smtp::ReadBody, message::ContentSlices), so smtp/ does no I/O at all.
root=$1
sources=$(find "$root/src/smtp" "$root/include/smtpsend/smtp" -name '*.cpp' -o -name '*.hpp' | sort)
hits=$(grep -nE '#include *[<"](boost/asio|asio|openssl/|ares|sys/socket|netinet/|unistd|fcntl|sys/stat|fstream|cstdio|stdio\.h|thread|chrono.*clock)' \
  $sources 2>/dev/null)
if [ -n "$hits" ]; then
  echo "smtp/ must not include I/O headers:"; echo "$hits"; exit 1
fi
grep -nE 'steady_clock|system_clock' $sources && {
  echo "smtp/ must not read a clock"; exit 1; }
# Comments may name them (to say who reads instead); code may not.
readers=$(grep -nE 'ContentReader|ContentSlices|ContentCursor|read_raw|pread|fopen' $sources |
  grep -vE '^[^:]*:[0-9]+: *//')
if [ -n "$readers" ]; then
  echo "smtp/ must not read message data: it asks the transport (ReadBody):"; echo "$readers"
  exit 1
fi
echo "smtp/ is sans-io: $(echo "$sources" | wc -l) files checked"
