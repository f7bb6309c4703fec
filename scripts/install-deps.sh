#!/usr/bin/env bash
# Installs every Debian 12 package smtpsend needs to build, test, fuzz and run its demo, then
# Haraka and mailauth from the npm registry for the integration tests (install-haraka.sh,
# install-mailauth.sh).
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev
  libc-ares-dev libssl-dev libcli11-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang clang-tools libclang-rt-14-dev libidn2-dev libmagic-dev
  postfix dnsmasq-base python3 python3-pytest python3-aiosmtpd openssl dovecot-core
  time  # GNU time: peak RSS of the real binary (test_large_message.py, bench)
  util-linux  # unshare and mount: a small tmpfs as the spool (test_input_limits.py)
  bsd-mailx s-nail git-email libmailtools-perl  # real clients of the sendmail personality
  # (test_sendmail.py); git send-email needs Mail::Address, only a Recommends of git-email
  postgrey faketime  # the queue: a real greylisting policy service; a clock past the lifetime
  systemd man-db  # systemd-analyze verify of the installed queue units (it looks up their man page)
  python3-dkim libmail-dkim-perl libnet-dns-perl opendkim-tools  # two independent DKIM verifiers
  python3-nacl  # python3-dkim verifies Ed25519 (RFC 8463) only with it
  python3-spf python3-yaml libpsl-dev publicsuffix psl  # doctor: RFC 7208 suite and pyspf oracle; DMARC's
  # organisational domain from the public suffix list
)
# Node runs the Haraka fixture (test_haraka.py). NodeSource's nodejs bundles npm and conflicts
# with Debian's npm package, so Debian's nodejs and npm come only when no node with npm is here.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  # Postfix asks for a mailer type; "No configuration" leaves it unconfigured and not running:
  # the tests start their own instances on loopback.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -f /var/lib/apt/periodic/update-success-stamp ] || ! apt-cache policy libc-ares-dev | grep -q Candidate: ||
     apt-cache policy libc-ares-dev | grep -q 'Candidate: (none)'; then
    $SUDO apt-get update -q
  fi
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" || {
    $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  }
fi

"$(dirname "$0")/install-haraka.sh"
# mailauth: the second verifier of Ed25519 DKIM signatures (Debian 12's Mail::DKIM has none).
"$(dirname "$0")/install-mailauth.sh"
