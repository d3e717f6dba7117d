#!/usr/bin/env bash
# Print specls' analysis report of one feature folder (Spec Kit extension
# "specls"). Usage: specls-check.sh [FEATURE_DIR]
# Without FEATURE_DIR: $SPECIFY_FEATURE, then the feature named by the Git
# branch (001-name or 20260302-141500-name), then the most recently changed
# folder under specs/. Exit status: that of `specls analyze` (0 clean,
# 1 CRITICAL findings, 2 error), or 127 when specls is not installed.
set -euo pipefail

if ! command -v specls >/dev/null 2>&1; then
  echo "specls is not installed: cargo install --locked --git https://github.com/specls/specls specls" >&2
  exit 127
fi

feature_dir() {
  if [ -n "${1:-}" ]; then
    printf '%s\n' "$1"
    return
  fi
  local name="${SPECIFY_FEATURE:-}"
  if [ -z "$name" ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    name=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || true)
    name=${name##*/}
  fi
  local prefix
  prefix=$(printf '%s' "$name" | grep -oE '^([0-9]{8}-[0-9]{6}|[0-9]{3,})-' || true)
  if [ -n "$prefix" ]; then
    for dir in specs/"$prefix"*/; do
      if [ -d "$dir" ]; then
        printf '%s\n' "${dir%/}"
        return
      fi
    done
  fi
  # The most recently changed feature folder.
  ls -1dt specs/*/ 2>/dev/null | head -n 1 | sed 's:/$::'
}

dir=$(feature_dir "${1:-}")
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "specls: no feature folder found (pass one, e.g. specs/001-feature-name)" >&2
  exit 2
fi
exec specls analyze "$dir"
