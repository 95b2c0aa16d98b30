#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEEDS WORKDIR SECONDS
#
# Fuzzes for SECONDS, starting from the seed corpus; new inputs go to
# WORKDIR/corpus (the seeds stay untouched) and a crash to WORKDIR/crash-*.
# A crash exits 1: libFuzzer's own 77 would read as "skipped" in meson.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -error_exitcode=1 -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds"
