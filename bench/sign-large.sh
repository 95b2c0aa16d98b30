#!/usr/bin/env bash
# bench/sign-large.sh [BUILD_DIR]
#
# The signing benchmark of issue 3: sign a 1 GiB PDF with
#
#   peak RSS below 64 MiB, and
#   wall time within 1.2x of the floor -- `cp` of the file followed by
#   `sha256sum` of it -- measured in the same run.
#
# BUILD_DIR (default: _build in the source tree) holds a built src/teken; a
# release build is what the goals are about:
#
#   meson setup _build-bench -Dbuildtype=release && ninja -C _build-bench src/teken
#   bench/sign-large.sh _build-bench
#
# Everything the benchmark makes goes to BUILD_DIR/bench/: the 1 GiB PDF
# (generated once and kept, since making it takes a while), a test PKI from
# tests/teken-test-pki.sh, and, for the length of a run only, the copies and
# the signed documents. It needs about 3 GiB free there.
#
# The page cache cannot be dropped without root, so the input is read once
# before measuring and every run starts warm; `sync` (not timed) before each
# run keeps the write-back of one run out of the next one's time. The floor,
# Teken and a tighter floor given for information take turns in rotated
# order, RUNS times each (default 3), and the medians are compared.
#
# Environment: RUNS (runs of each, default 3), SIZE_MIB (size of the test
# document, default 1024; smaller sizes are for trying the script out, the
# goals are about 1 GiB).
#
# Exits 0 when both goals are met, 1 when one is not, 2 when the benchmark
# could not run.
set -euo pipefail

readonly goal_rss_mib=64
readonly goal_ratio=1.2
runs=${RUNS:-3}
size_mib=${SIZE_MIB:-1024}

source_dir=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
build_dir=$(readlink -f "${1:-$source_dir/_build}")
teken=$build_dir/src/teken
work=$build_dir/bench

die() {
  echo "sign-large: $*" >&2
  exit 2
}

# shellcheck source=bench/lib.sh
source "$source_dir/bench/lib.sh"

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"
((runs >= 3)) || echo "sign-large: warning: fewer than 3 runs; the medians mean little" >&2
[[ $size_mib =~ ^[1-9][0-9]*$ && $((size_mib % 4)) -eq 0 ]] ||
  die "SIZE_MIB must be a positive multiple of 4"
[[ -x $teken ]] ||
  die "no $teken; build it first: meson setup $build_dir -Dbuildtype=release && ninja -C $build_dir src/teken"
for tool in /usr/bin/time /usr/bin/python3 qpdf pdfsig sha256sum openssl; do
  command -v "$tool" >/dev/null || die "$tool is missing (./run installs it: packages time, python3, qpdf, poppler-utils, openssl)"
done

mkdir -p "$work"
big=$work/big-${size_mib}MiB.pdf
copy=$work/copy.pdf
signed=$work/signed.pdf
pki=$work/pki
nssdb=$work/nssdb
trap 'rm -f "$copy" "$signed" "$big.tmp" "$work"/.signed.pdf.*' EXIT

# Disk: the document, plus one copy or one signed document at a time. The
# kept document counts as room already taken.
size_bytes=$((size_mib * 1024 * 1024))
need=$((3 * size_bytes))
have=$(($(df --output=avail -B1 "$work" | tail -1) + $(stat -c %s "$big" 2>/dev/null || echo 0)))
if ((have < need)); then
  die "needs $((need / 1024 / 1024)) MiB free in $work (with the test document), has $((have / 1024 / 1024)) MiB"
fi

# The test document (see make_big_pdf in lib.sh), made once and kept, and
# the signer: Budi's certificate from the test PKI, with an NSS database
# trusting its root so that pdfsig can check the chain too.
make_big_pdf "$big" $((size_mib / 4))
make_pki "$pki" "$nssdb"

# ---------------------------------------------------------------------------
# Measuring
#
# Three jobs, each under /usr/bin/time (wall, user + system CPU, peak RSS):
#
#   floor   the goal's floor: cp, then sha256sum of the copy;
#   tight   for information only: the same work Teken must do, each part
#           done by the fastest tool at hand -- cp, then `openssl dgst
#           -sha256` (the SHA-256 Teken itself uses) of the copy, then
#           `sync FILE` (fsync), as Teken fsyncs the signed document before
#           linking it into place;
#   teken   teken sign, with a visible signature on page 1.
#
# Each round runs the three in a rotated order, so no job always comes first
# after the warm-up or always follows the same neighbour.

declare -A wall=() cpu=() rss=()
verified=0

measure() {
  local job=$1 out=$work/time.out e u s m
  shift
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" || die "$job failed"
  read -r e u s m < <(tail -1 "$out")
  rm -f "$out"
  wall[$job]+="$e "
  cpu[$job]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
  rss[$job]+="$(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }') "
}

run_floor() {
  measure floor bash -c 'cp -- "$1" "$2" && sha256sum -- "$2" >/dev/null' _ "$big" "$copy"
  rm -f "$copy"
}

run_tight() {
  measure tight bash -c 'cp -- "$1" "$2" && openssl dgst -sha256 "$2" >/dev/null && sync -- "$2"' _ "$big" "$copy"
  rm -f "$copy"
}

run_teken() {
  measure teken "$teken" sign --p12 "$pki/budi.p12" --p12-password-file "$pki/budi.pass" \
    --rect 36,36,200,60 -o "$signed" "$big"
  if ((!verified)); then
    verify_signed
    verified=1
  fi
  rm -f "$signed"
}

# Once: pdfsig must find the signature valid and covering the whole file.
verify_signed() {
  local out args=()
  [[ -f $nssdb/cert9.db ]] && args=(-nssdir "sql:$nssdb")
  out=$(pdfsig "${args[@]}" "$signed" 2>&1) || true
  if ! grep -q 'Signature Validation: Signature is Valid' <<<"$out" ||
     ! grep -q 'Total document signed' <<<"$out"; then
    echo "$out" >&2
    die "pdfsig does not accept the signed document"
  fi
  pdfsig_summary=$(grep -E 'Signature Validation|Certificate Validation|Total document signed' <<<"$out" |
                   sed 's/^ *- */               /')
  signed_size=$(stat -c %s "$signed")
}

big_size=$(stat -c %s "$big")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "Warming the page cache with the test document..."
cat "$big" >/dev/null

job_names=(floor tight teken)
for ((i = 0; i < runs; i++)); do
  for ((j = 0; j < 3; j++)); do
    "run_${job_names[(i + j) % 3]}"
  done
  printf 'run %d: floor %6.2f s   tight %6.2f s   teken %6.2f s, peak RSS %5.1f MiB\n' $((i + 1)) \
    "$(awk '{ print $NF }' <<<"${wall[floor]}")" "$(awk '{ print $NF }' <<<"${wall[tight]}")" \
    "$(awk '{ print $NF }' <<<"${wall[teken]}")" "$(awk '{ print $NF }' <<<"${rss[teken]}")"
done

# ---------------------------------------------------------------------------
# Report

declare -A wall_median cpu_median
for job in "${job_names[@]}"; do
  wall_median[$job]=$(median "${wall[$job]}")
  cpu_median[$job]=$(median "${cpu[$job]}")
done
rss_max=$(printf '%s\n' ${rss[teken]} | sort -g | tail -1)
ratio=$(awk -v t="${wall_median[teken]}" -v f="${wall_median[floor]}" 'BEGIN { printf "%.2f", t / f }')
tight_ratio=$(awk -v t="${wall_median[teken]}" -v f="${wall_median[tight]}" 'BEGIN { printf "%.2f", t / f }')
rss_ok=$(awk -v r="$rss_max" -v g="$goal_rss_mib" 'BEGIN { print (r < g) ? 1 : 0 }')
ratio_ok=$(awk -v r="$ratio" -v g="$goal_ratio" 'BEGIN { print (r <= g) ? 1 : 0 }')
verdict() { if (($1)); then echo PASS; else echo FAIL; fi; }
line() { printf '  %-12s median %6.2f s wall, %6.2f s CPU   (wall: %s)\n' "$1" "${wall_median[$2]}" "${cpu_median[$2]}" "${wall[$2]% }"; }

cat <<REPORT

Signing a large PDF: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)
  input        $big_size bytes ($(awk -v s="$big_size" 'BEGIN { printf "%.1f", s / 1048576 }') MiB, $((size_mib / 4)) pages)
  signed       $signed_size bytes (+$((signed_size - big_size)))
  pdfsig
$pdfsig_summary
  load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (busy machines give noisy figures)
  runs         $runs of each, rotated
$(line floor floor)
$(line tight tight)
$(line "teken sign" teken)
  ratio        $ratio  teken / floor, goal <= $goal_ratio: $(verdict "$ratio_ok")
               $tight_ratio  teken / tight (cp + openssl dgst + fsync), for information
  peak RSS     $rss_max MiB, the highest of ${rss[teken]% }; goal < $goal_rss_mib MiB: $(verdict "$rss_ok")
REPORT

if ((rss_ok && ratio_ok)); then
  echo "PASS"
  exit 0
fi
echo "FAIL"
exit 1
