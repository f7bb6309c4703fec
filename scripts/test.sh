#!/usr/bin/env bash
# Builds smtpsend and runs every test: unit + integration (RelWithDebInfo, gcc), the same under
# ASan+UBSan (clang), then each libFuzzer target of that same build for FUZZ_SECONDS (default
# 20), then a Release build of the program as packagers make it (no -Werror), so CI stays under
# 25 minutes on 2 cores. Our own builds use -DSMTPSEND_WERROR=ON. Exits non-zero on any failure. Build dirs:
# build, build-sanitize (inside the checkout, gitignored).
# Usage: scripts/test.sh            (as root on Debian 12; installs missing packages first)
set -euo pipefail

cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-20}
failures=()

step() { printf '\n==== %s ====\n' "$*"; }

bash scripts/install-deps.sh

# A ccache on the machine (not installed by install-deps.sh) is used when present: a rerun then
# recompiles only what changed.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

configure_and_build() {  # dir, then extra cmake arguments
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "$@"
  cmake --build "$dir" -j"$jobs"
}

run_ctest() {  # dir, name
  if ! ctest --test-dir "$1" --output-on-failure -j"$jobs"; then
    failures+=("$2")
  fi
}

step "RelWithDebInfo build and tests (build/)"
# The sendmail link option adds only an install rule (no compile): on here, ctest installs this
# build into a scratch directory and runs the link (install_sendmail_link_this_build).
configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMTPSEND_INSTALL_SENDMAIL_LINK=ON \
  -DSMTPSEND_WERROR=ON
run_ctest build "tests"

# One clang build serves the sanitizer pass and the fuzzers: every library is built with
# ASan+UBSan and libFuzzer's coverage hooks (SMTPSEND_FUZZ), so the unit and integration tests
# run against it first, then each libFuzzer target; a second sanitizer build would cost as much
# again for nothing.
step "ASan+UBSan (clang) build: tests, then libFuzzer targets ${fuzz_seconds} s each (build-sanitize/)"
if CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
     -DSMTPSEND_FUZZ=ON -DSMTPSEND_TESTS=ON -DSMTPSEND_WERROR=ON &&
   cmake --build build-sanitize -j"$jobs"; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build-sanitize "sanitizer tests"
  mapfile -t targets < <(grep -v '^$' build-sanitize/fuzz_targets.txt)
  [ ${#targets[@]} -eq 0 ] && failures+=("fuzz: no targets in tests/fuzz")
  for target in "${targets[@]}"; do
    corpus=build-sanitize/corpus/$target
    mkdir -p "$corpus"
    echo "-- $target"
    # -timeout: one input taking over 10 s is a hang; the outer timeout bounds the whole run.
    if ! timeout $((fuzz_seconds + 60)) "build-sanitize/tests/fuzz/$target" \
         -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
         "$corpus" 2>"build-sanitize/$target.log"; then
      tail -n 40 "build-sanitize/$target.log"
      failures+=("fuzz: $target")
    else
      grep -E '^(Done|stat::number_of_executed_units)' "build-sanitize/$target.log" || true
    fi
  done
else
  failures+=("sanitizer build")
fi

# What users and packagers build: Release, no -Werror (their compiler may warn where ours does
# not). Only the program; it must build and run.
step "Release build as a packager makes it (build-release/)"
if cmake -S . -B build-release -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release -DSMTPSEND_TESTS=OFF &&
   cmake --build build-release -j"$jobs" --target smtpsend &&
   build-release/smtpsend --version; then
  :
else
  failures+=("Release build")
fi

step "Summary"
if [ ${#failures[@]} -ne 0 ]; then
  printf 'FAILED: %s\n' "${failures[@]}"
  exit 1
fi
echo "All tests passed (RelWithDebInfo, ASan+UBSan, fuzz ${fuzz_seconds} s per target, Release build)."
