#!/usr/bin/env bash
# Installs Haraka 3.3.4 (npm package Haraka) for the integration tests' Haraka fixture
# (tests/integration/haraka_fixture.py) into a fixed prefix outside the checkout, from the npm
# registry only, with every package version fixed by tests/integration/haraka/package-lock.json.
# Idempotent: nothing is done when the prefix already holds this lock file and Haraka 3.3.4.
# Called by install-deps.sh after node and npm are installed; needs root (or sudo) for /opt.
set -euo pipefail

version=3.3.4
prefix=${SMTPSEND_HARAKA_PREFIX:-/opt/smtpsend-test/haraka}
lock_dir=$(cd "$(dirname "$0")/../tests/integration/haraka" && pwd)

installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("none") }' \
    "$prefix/node_modules/Haraka/package.json"
}

if cmp -s "$lock_dir/package-lock.json" "$prefix/package-lock.json" &&
   [ "$(installed_version)" = "$version" ] && [ -x "$prefix/node_modules/.bin/haraka" ]; then
  exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO mkdir -p "$prefix"
$SUDO cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$prefix/"
# --omit=optional: Haraka's optional plugins are not used by the fixture. --ignore-scripts: the
# one install script (a native syslog binding) would fetch Node headers from outside the registry.
$SUDO npm ci --prefix "$prefix" --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error
if [ "$(installed_version)" != "$version" ]; then
  echo "install-haraka.sh: Haraka $version not found in $prefix after npm ci" >&2
  exit 1
fi
