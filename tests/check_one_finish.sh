#!/bin/sh
# Fails unless a message is finished in one place (docs/architecture.md "Where a message is
# finished"): finalize_message() called once, from app/, and the steps it runs (the --each copy,
# the 7-bit form, the DKIM signature) called from message/finalize.cpp alone.
root=$1
calls=$(grep -rn 'finalize_message(' "$root"/src --include='*.cpp' | grep -v '^[^:]*src/message/finalize.cpp:')
if [ "$(printf '%s\n' "$calls" | grep -c .)" -ne 1 ] || ! printf '%s' "$calls" | grep -q '/src/app/'; then
  echo "finalize_message() must be called from exactly one place, in src/app/:"; echo "$calls"; exit 1
fi
steps=$(grep -rnE '(prepare_seven_bit_form|addressed_copy|sign_content)\(' "$root"/src --include='*.cpp' |
  grep -vE '^[^:]*src/message/(finalize|message|addressed_copy|dkim/signer)\.cpp:')
if [ -n "$steps" ]; then
  echo "a finishing step called outside message/finalize.cpp:"; echo "$steps"; exit 1
fi
defs=$(grep -nE '(prepare_seven_bit_form|addressed_copy|sign_content)\(' "$root"/src/message/message.cpp \
  "$root"/src/message/addressed_copy.cpp "$root"/src/message/dkim/signer.cpp |
  grep -vE '^[^:]*:[0-9]+:(void|Message|bool) ')
if [ -n "$defs" ]; then
  echo "a finishing step called outside message/finalize.cpp:"; echo "$defs"; exit 1
fi
echo "a message is finished in one place: $(printf '%s' "$calls" | cut -d: -f1 | sed "s|$root/||")"
