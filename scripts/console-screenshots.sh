#!/usr/bin/env bash
# Regenerates the console screenshots the README shows (docs/images/console-*.png).
#
#   scripts/console-screenshots.sh           run the browser test (ConsoleBrowserIT), then copy
#   scripts/console-screenshots.sh --copy    copy from the last run's target/console-screenshots/
#
# The browser test drives Debian's headless Chromium against a real 3-node cluster and writes every
# main page at 1280x900 and 390x844 to target/console-screenshots/ (see docs/console.md).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=target/console-screenshots
if [[ "${1:-}" != "--copy" ]]; then
  ./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ConsoleBrowserIT
fi
mkdir -p docs/images
# page in the test run -> image in the README
for pair in overview-usage:overview users-sorted:users; do
  from=${pair%%:*}
  to=${pair##*:}
  src="$shots/$from-desktop.png"
  if [[ ! -f "$src" ]]; then
    echo "missing $src: run without --copy first" >&2
    exit 1
  fi
  cp "$src" "docs/images/console-$to.png"
  echo "docs/images/console-$to.png <- $src"
done
