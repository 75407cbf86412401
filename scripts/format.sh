#!/usr/bin/env bash
# Formats every Swift file in place, then lints strictly with the repo's .swift-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.swift'; git ls-files --others --exclude-standard '*.swift')
if [ "${1:-}" != "--check" ]; then
    swift format --in-place --configuration .swift-format $files
fi
swift format lint --strict --configuration .swift-format $files
