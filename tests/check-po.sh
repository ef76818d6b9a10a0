#!/bin/sh
# Checks the translations as TAP: every file with translatable strings is
# in po/POTFILES, and po/zh_CN.po is valid and complete.
top=${1:?source root}
echo "1..3"

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

# The catalogue covers the sources as they are now, not only itself: a
# string added to the code and not yet translated fails here.
pot=$(mktemp) merged=$(mktemp)
trap 'rm -f "$pot" "$merged"' EXIT
(cd "$top" && xgettext --package-name=wudan --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --files-from=po/POTFILES --output="$pot") 2>/dev/null
msgmerge --quiet --output-file="$merged" "$top/po/zh_CN.po" "$pot" 2>/dev/null
current=$(msgfmt --statistics -o /dev/null "$merged" 2>&1)
if [ -s "$pot" ] && ! echo "$current" | grep -qE 'untranslated|fuzzy'; then
  echo "ok 3 /po/zh_CN-covers-the-sources"
else
  echo "not ok 3 /po/zh_CN-covers-the-sources"
  echo "# against the sources: $current (ninja -C _build wudan-update-po, then translate)"
fi
