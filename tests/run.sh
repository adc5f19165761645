#!/usr/bin/env bash
# The test command of README.md, and what CI runs: installs what the tests need on a fresh
# machine (PostgreSQL and Chromium from Debian, the node packages of the browser, SDK and OpenAPI specs), runs every
# test, then a real three-silo cluster smoke test, and ends with "N passed, N failed, N skipped"
# taken from the test runner's own summary.
set -uo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v yamllint >/dev/null || need_apt+=(yamllint)
# The report page spec drives headless Chromium through playwright-core.
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || exit 1
fi

# Deployment manifests cannot run here (no Docker engine); they are linted instead.
yamllint -c deploy/.yamllint deploy/docker-compose.yml deploy/k8s/ || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

(cd tests/browser && npm ci --no-audit --no-fund --silent) || exit 1
# The analytics SDK spec runs the real @segment/analytics-node and @rudderstack/rudder-sdk-node.
(cd tests/sdk && npm ci --no-audit --no-fund --silent) || exit 1
# The OpenAPI spec lints the served document with @redocly/cli's recommended rules.
(cd tests/api && npm ci --no-audit --no-fund --silent) || exit 1

dotnet test MarketingActors.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The runnable proof of deploy/: a real three-silo cluster with a gateway on loopback, one event through it.
if [ "$status" -eq 0 ]; then
  SMOKE=1 bash deploy/local-cluster.sh || status=1
fi

# vstest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  awk -F'[:,] *' '{f+=$2; p+=$4; s+=$6} END {print p+0, f+0, s+0}')
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$status" -ne 0 ]; then
  echo "the test run did not report results (exit $status)"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
