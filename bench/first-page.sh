#!/usr/bin/env bash
# bench/first-page.sh [BUILD_DIR]
#
# The document view benchmark of issue 9: the time to the first page of a
# 500-page PDF on screen, against `pdftoppm -f 1 -l 1 -r 72` (Poppler's own
# command-line renderer: start, open, render page 1, write it, exit) on the
# same file, as ratios of median wall times: Teken's whole process, and the
# part Teken's code owns -- from asking the document view for the file to
# its first page painted -- which is the goal. GTK's start-up (the display
# connection, the renderer, styles) is reported but not Teken's to cut.
#
# Teken's side is bench/first-page.c, built on request: a process that
# starts GTK, opens a window with the document view (619 px wide, so the
# page is drawn at 72 dpi as pdftoppm renders it), loads the document --
# every page's size, and the signature check that starts with it -- and
# exits when page 1 has been painted. It runs under Xvfb when there is no
# display.
#
#   meson setup _build-bench -Dbuildtype=release
#   ninja -C _build-bench bench/teken-bench-first-page
#   bench/first-page.sh _build-bench
#
# Environment: RUNS (runs of each, default 5), PAGES (default 500).
# Exits 0 when the ratio is within the goal, 1 when not, 2 when the
# benchmark could not run.
set -euo pipefail

readonly goal_ratio=1.5
runs=${RUNS:-5}
pages=${PAGES:-500}

source_dir=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
build_dir=$(readlink -f "${1:-$source_dir/_build}")
bench_bin=$build_dir/bench/teken-bench-first-page
work=$build_dir/bench

die() {
  echo "first-page: $*" >&2
  exit 2
}

# shellcheck source=bench/lib.sh
source "$source_dir/bench/lib.sh"

[[ -x $bench_bin ]] || die "no $bench_bin: run ninja -C $build_dir bench/teken-bench-first-page"
command -v pdftoppm >/dev/null || die "pdftoppm (poppler-utils) is missing"
command -v qpdf >/dev/null || die "qpdf is missing"

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${TEKEN_BENCH_INNER:-} ]]; then
  command -v xvfb-run >/dev/null || die "no display and no xvfb-run"
  TEKEN_BENCH_INNER=1 exec xvfb-run -a -s "-screen 0 1280x1024x24" "$0" "$@"
fi

mkdir -p "$work"
doc=$work/text-$pages.pdf

# A text document like a long report: every page 48 lines of Helvetica and
# a ruled table, compressed, with object streams (qpdf), the way office
# suites write them.
if [[ ! -f $doc ]]; then
  echo "Generating a $pages-page document..."
  /usr/bin/python3 - "$doc.raw" "$pages" <<'PY'
import sys
path, pages = sys.argv[1], int(sys.argv[2])
offsets = {}
with open(path, 'wb') as out:
    def obj(number, text):
        offsets[number] = out.tell()
        out.write(b'%d 0 obj\n' % number + text + b'\nendobj\n')
    out.write(b'%PDF-1.7\n')
    first = 4
    kids = b' '.join(b'%d 0 R' % (first + 2 * i) for i in range(pages))
    obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
    obj(2, b'<< /Type /Pages /Count %d /Kids [%s] >>' % (pages, kids))
    obj(3, b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')
    for i in range(pages):
        lines = [b'BT /F1 16 Tf 56 780 Td (Laporan Tahunan -- halaman %d dari %d) Tj ET' % (i + 1, pages)]
        for k in range(48):
            lines.append(b'BT /F1 9 Tf 56 %d Td (%d.%d Pasal %d: pegawai negeri sipil menandatangani dokumen '
                         b'elektronik dengan sertifikat elektronik yang diterbitkan BSrE.) Tj ET'
                         % (750 - 12 * k, i + 1, k + 1, k + 1))
        for k in range(8):
            lines.append(b'0.5 w 56 %d m 539 %d l S' % (150 - 12 * k, 150 - 12 * k))
        content = b'\n'.join(lines)
        obj(first + 2 * i, b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
                           b'/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>' % (first + 2 * i + 1))
        obj(first + 2 * i + 1, b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream')
    size = first + 2 * pages
    xref = out.tell()
    out.write(b'xref\n0 %d\n0000000000 65535 f \n' % size)
    for n in range(1, size):
        out.write(b'%010d 00000 n \n' % offsets[n])
    out.write(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (size, xref))
PY
  qpdf --compress-streams=y --object-streams=generate "$doc.raw" "$doc" || [[ $? -eq 3 ]]
  rm -f "$doc.raw"
fi
[[ $(pdfinfo "$doc" | awk '/^Pages:/ { print $2 }') == "$pages" ]] || die "the generated document is not $pages pages"

now_ms() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }

# Prints the process's wall time; its own figures go to $work/inside.
run_teken() {
  local start end
  start=$(now_ms)
  "$bench_bin" "$doc" >>"$work/inside" || die "teken-bench-first-page failed"
  end=$(now_ms)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

run_pdftoppm() {
  local start end
  start=$(now_ms)
  pdftoppm -f 1 -l 1 -r 72 -png "$doc" "$work/first-page" || die "pdftoppm failed"
  end=$(now_ms)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

# Warm the page cache and the fonts once, then take turns.
cat "$doc" >/dev/null
run_pdftoppm >/dev/null
run_teken >/dev/null
: >"$work/inside"

teken_times="" floor_times=""
for ((i = 0; i < runs; i++)); do
  if ((i % 2)); then
    teken_times+=" $(run_teken)"; floor_times+=" $(run_pdftoppm)"
  else
    floor_times+=" $(run_pdftoppm)"; teken_times+=" $(run_teken)"
  fi
done

teken=$(median "$teken_times")
floor=$(median "$floor_times")
startup=$(median "$(awk '/^startup-ms/ { print $2 }' "$work/inside")")
document=$(median "$(awk '/^open-to-painted-ms/ { print $2 }' "$work/inside")")
ratio=$(awk -v t="$teken" -v f="$floor" 'BEGIN { printf "%.2f", t / f }')
document_ratio=$(awk -v t="$document" -v f="$floor" 'BEGIN { printf "%.2f", t / f }')

echo "document:             $doc ($pages pages, $(du -k "$doc" | cut -f1) KiB)"
echo "renderer:             ${GSK_RENDERER:-the default}"
echo "pdftoppm -r 72:       $floor ms, the whole process (median of $runs; runs:$floor_times)"
echo "teken, whole process: $teken ms (median of $runs; runs:$teken_times)"
echo "  GTK and the window before the document is asked for: $startup ms"
echo "  asking for the document to its first page on screen: $document ms"
echo "ratio, whole processes:            $ratio"
echo "ratio, the document against pdftoppm: $document_ratio (goal: at most $goal_ratio)"
ratio=$document_ratio

if awk -v r="$ratio" -v g="$goal_ratio" 'BEGIN { exit !(r <= g) }'; then
  echo PASS
else
  echo FAIL
  exit 1
fi
