#!/bin/sh
# Fails when protocol code (smtp/, every subfolder included) reads message data itself: the
# transport reads it and hands it in (smtp::ReadBody, message::ContentSlices), so smtp/ does no
# I/O at all. Includes are checked by check_layers.py; this checks the calls it cannot see
# (message::ContentReader's pread is in message/content.cpp, behind an allowed header).
root=$1
sources=$(find "$root/src/smtp" "$root/include/smtpsend/smtp" -name '*.cpp' -o -name '*.hpp' | sort)
# Comments may name them (to say who reads instead); code may not.
readers=$(grep -nE 'ContentReader|ContentSlices|ContentCursor|read_raw|pread|fopen' $sources |
  grep -vE '^[^:]*:[0-9]+: *//')
if [ -n "$readers" ]; then
  echo "smtp/ must not read message data: it asks the transport (ReadBody):"; echo "$readers"
  exit 1
fi
echo "smtp/ reads no message data: $(echo "$sources" | wc -l) files checked"
