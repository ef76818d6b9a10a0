#!/bin/sh
# Formats a man page and fails on any warning groff gives.
page=${1:?man page}
warnings=$(LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l -Tutf8 "$page" 2>&1 >/dev/null)
if [ -n "$warnings" ]; then
  echo "$warnings" >&2
  exit 1
fi
LC_ALL=C.UTF-8 man -E UTF-8 -l "$page" | grep -q "NAME" || { echo "$page has no NAME section" >&2; exit 1; }
