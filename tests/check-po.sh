#!/bin/sh
# Checks the translations as TAP: every file with translatable strings is
# in po/POTFILES, and po/zh_CN.po is valid and complete.
top=${1:?source root}
echo "1..2"

missing=$(cd "$top" && { grep -l -E '\b(N_|_|g_dngettext) ?\(' src/*/*.c; grep -l 'translatable="yes"' src/*/*.ui;
    ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml; } | while read -r f; do
  grep -qx "$f" po/POTFILES || echo "$f"; done)
if [ -z "$missing" ]; then
  echo "ok 1 /po/potfiles-complete"
else
  echo "not ok 1 /po/potfiles-complete"
  echo "# missing from po/POTFILES: $missing"
fi

stats=$(msgfmt -c --statistics -o /dev/null "$top/po/zh_CN.po" 2>&1)
status=$?
if [ $status -eq 0 ] && ! echo "$stats" | grep -qE 'untranslated|fuzzy'; then
  echo "ok 2 /po/zh_CN-complete"
else
  echo "not ok 2 /po/zh_CN-complete"
  echo "# $stats"
fi
