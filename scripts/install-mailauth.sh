#!/usr/bin/env bash
# Installs mailauth 4.9.5 (npm, Postal Systems' DKIM/SPF/DMARC library; the last major release that
# runs on Debian 12's Node 20) for tests/integration/test_dkim.py, which verifies every signature
# with independent verifiers: Debian 12's Mail::DKIM (libmail-dkim-perl 1.20230212) knows no
# Ed25519 (RFC 8463), so mailauth is the second verifier of Ed25519 signatures. Into a fixed prefix
# outside the checkout, every version fixed by tests/integration/dkim_verifiers/package-lock.json.
# Idempotent. Called by install-deps.sh after node and npm are installed; needs root (or sudo).
set -euo pipefail

version=4.9.5
prefix=${SMTPSEND_MAILAUTH_PREFIX:-/opt/smtpsend-test/mailauth}
lock_dir=$(cd "$(dirname "$0")/../tests/integration/dkim_verifiers" && pwd)

installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("none") }' \
    "$prefix/node_modules/mailauth/package.json"
}

if cmp -s "$lock_dir/package-lock.json" "$prefix/package-lock.json" &&
   [ "$(installed_version)" = "$version" ]; then
  exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO mkdir -p "$prefix"
$SUDO cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$prefix/"
$SUDO npm ci --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error
if [ "$(installed_version)" != "$version" ]; then
  echo "install-mailauth.sh: mailauth $version not found in $prefix after npm ci" >&2
  exit 1
fi
