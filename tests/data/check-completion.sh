#!/usr/bin/env bash
# check-completion.sh TEKEN COMPLETION_FILE
#
# The bash completion offers every command and every option that
# `teken COMMAND --help` lists, so it stays true as the command line grows.
set -uo pipefail
teken=$1
source "$2"
n=0
failed=0

complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _teken; echo " ${COMPREPLY[*]} "; }

for command in $("$teken" --help | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }'); do
  n=$((n + 1))
  offered=$(complete_words teken "${command:0:2}")
  missing=$(for option in $("$teken" "$command" --help | grep -oE -- '--[a-z0-9-]+' | sort -u); do
              [[ $(complete_words teken "$command" "$option") == *" $option "* ]] || echo "$option"
            done)
  if [[ $offered == *" $command "* && -z $missing ]]; then
    echo "ok $n - teken $command and its options complete"
  else
    failed=1
    echo "not ok $n - teken $command: missing ${missing:-the command itself}" | tr '\n' ' '; echo
  fi
done
echo "1..$n"
exit $failed
