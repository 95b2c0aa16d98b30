#!/usr/bin/env bash
# check-translations.sh SOURCE_ROOT
#
# Every user-visible string is translated: each file with translatable
# strings is in po/POTFILES.in, and every language in po/LINGUAS translates
# every string of a freshly extracted template, with nothing fuzzy.
set -uo pipefail
root=$1
cd "$root" || exit 1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; sed 's/^/# /' "$scratch/out"; }

# 1. POTFILES.in lists every file that has translatable strings.
grep -rlE '(^|[^A-Za-z_])(_|N_|C_|NC_|g_dngettext|ngettext)[[:space:]]*\(|translatable="yes"' \
  src data --include='*.c' --include='*.ui' --include='*.in' | sort >"$scratch/marked"
grep -v '^#' po/POTFILES.in | grep -v '^$' | sort >"$scratch/listed"
if comm -23 "$scratch/marked" "$scratch/listed" >"$scratch/out" && [[ ! -s $scratch/out ]]; then
  ok "po/POTFILES.in lists every file with translatable strings"
else
  not_ok "po/POTFILES.in misses files"
fi
if comm -13 "$scratch/marked" "$scratch/listed" | while read -r f; do [[ -f $f ]] || echo "$f"; done >"$scratch/out" && [[ ! -s $scratch/out ]]; then
  ok "po/POTFILES.in names only files that exist"
else
  not_ok "po/POTFILES.in names missing files"
fi

# 2. A fresh template, extracted the way meson's i18n 'glib' preset does.
if xgettext --package-name=teken --from-code=UTF-8 --add-comments \
     --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
     --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
     --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
     --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
     -f po/POTFILES.in -o "$scratch/teken.pot" >"$scratch/out" 2>&1; then
  ok "xgettext extracts the template"
else
  not_ok "xgettext fails"
  echo "1..$n"; exit 1
fi

# 3. Each language translates every string of the fresh template (merged
#    without fuzzy matching, so a new string shows up as untranslated).
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching po/"$lang".po "$scratch/teken.pot" -o "$scratch/$lang.po"
  msgattrib --no-wrap --untranslated --no-obsolete "$scratch/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$' >"$scratch/out"
  if [[ ! -s $scratch/out ]]; then
    ok "po/$lang.po translates every string"
  else
    not_ok "po/$lang.po misses translations"
  fi
  msgattrib --no-wrap --only-fuzzy --no-obsolete po/"$lang".po | grep '^msgid ' | grep -v '^msgid ""$' >"$scratch/out"
  if [[ ! -s $scratch/out ]]; then
    ok "po/$lang.po has no fuzzy translation"
  else
    not_ok "po/$lang.po has fuzzy translations"
  fi
done

echo "1..$n"
exit "$failed"
