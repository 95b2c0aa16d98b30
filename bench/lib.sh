# shellcheck shell=bash
# bench/lib.sh: what the benchmarks share. Sourced, never run; the script
# that sources it defines `die MESSAGE` (say why on stderr, exit 2) first.
#
#   make_big_pdf FILE PAGES   the large test document, made once and kept
#   make_pki PKI NSSDB        the test PKI, and an NSS database trusting its
#                             root for pdfsig (when certutil is at hand)
#   median "N N N"            the median of some numbers, to 2 decimals

# ---------------------------------------------------------------------------
# The large test document: PAGES A4 pages, each showing a 2048x2048 8-bit
# grey image stored uncompressed (4 MiB, like a scanned page without
# compression) and a line of text, in one classic cross-reference table.
# Written as a stream: the generator holds one 4 MiB image at a time.
big_pdf_generator=$(cat <<'PY'
import sys

path, pages = sys.argv[1], int(sys.argv[2])
side = 2048
row = bytes(range(256)) * (side // 256)
rows = [row[k:] + row[:k] for k in range(256)]

offsets = {}
with open(path, 'wb') as out:
    def obj(number, text):
        offsets[number] = out.tell()
        out.write(b'%d 0 obj\n' % number + text + b'\nendobj\n')

    out.write(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
    first_page = 4
    kids = b' '.join(b'%d 0 R' % (first_page + 3 * i) for i in range(pages))
    obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
    obj(2, b'<< /Type /Pages /Count %d /Kids [%s] >>' % (pages, kids))
    obj(3, b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')
    for i in range(pages):
        page, contents, image = first_page + 3 * i, first_page + 3 * i + 1, first_page + 3 * i + 2
        obj(page, b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
                  b'/Resources << /Font << /F1 3 0 R >> /XObject << /Im0 %d 0 R >> >> '
                  b'/Contents %d 0 R >>' % (image, contents))
        text = (b'q 515 0 0 515 40 180 cm /Im0 Do Q\n'
                b'BT /F1 14 Tf 40 760 Td (Teken benchmark: page %d of %d) Tj ET\n' % (i + 1, pages))
        obj(contents, b'<< /Length %d >>\nstream\n' % len(text) + text + b'endstream')
        offsets[image] = out.tell()
        out.write(b'%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d '
                  b'/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n'
                  % (image, side, side, side * side))
        out.write(b''.join(rows[(y + i) % 256] for y in range(side)))
        out.write(b'\nendstream\nendobj\n')

    size = first_page + 3 * pages
    xref = out.tell()
    out.write(b'xref\n0 %d\n0000000000 65535 f \n' % size)
    for number in range(1, size):
        out.write(b'%010d 00000 n \n' % offsets[number])
    out.write(b'trailer\n<< /Size %d /Root 1 0 R /ID [<7465b56e62656e6368> <7465b56e62656e6368>] >>\n'
              b'startxref\n%d\n%%%%EOF\n' % (size, xref))
PY
)

# make_big_pdf FILE PAGES: FILE is kept beside a stamp holding the
# generator's hash, so a changed generator makes a new document and an
# unchanged one is never made twice (sign-large.sh and verify-corpus.sh share
# it). `qpdf --check` checks a new document once.
make_big_pdf() {
  local big=$1 pages=$2 stamp=$1.stamp version qpdf_out
  version=$(printf '%s' "$big_pdf_generator" | sha256sum | cut -d' ' -f1)
  if [[ -f $big && -f $stamp && $(<"$stamp") == "$version" ]]; then
    return 0
  fi
  rm -f "$big" "$stamp"
  echo "Generating the $((pages * 4)) MiB test document (once; kept in $(dirname "$big"))..."
  /usr/bin/python3 -c "$big_pdf_generator" "$big.tmp" "$pages"
  echo "Checking it with qpdf --check..."
  if ! qpdf_out=$(qpdf --check "$big.tmp" 2>&1) || ! grep -q 'No syntax or stream encoding errors' <<<"$qpdf_out"; then
    echo "$qpdf_out" | tail -5 >&2
    rm -f "$big.tmp"
    die "qpdf does not accept the generated document"
  fi
  mv "$big.tmp" "$big"
  echo "$version" >"$stamp"
}

# make_pki PKI NSSDB: the test PKI from tests/teken-test-pki.sh (Budi, Siti,
# root.pem...) in PKI, and in NSSDB an NSS database trusting its root, so
# that pdfsig checks the chain as Teken does. The database is remade when
# the PKI was, since a new PKI has a new root.
make_pki() {
  local pki=$1 nssdb=$2 source_dir
  source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  bash "$source_dir/tests/teken-test-pki.sh" "$pki"
  command -v certutil >/dev/null || return 0
  if [[ ! -f $nssdb/cert9.db || ! -f $nssdb/root.pem ]] || ! cmp -s "$pki/root.pem" "$nssdb/root.pem"; then
    rm -rf "$nssdb" && mkdir -p "$nssdb"
    certutil -N -d "sql:$nssdb" --empty-password
    certutil -A -d "sql:$nssdb" -n "Teken Test Root" -t CT,C,C -i "$pki/root.pem"
    cp "$pki/root.pem" "$nssdb/root.pem"
  fi
}

median() {
  printf '%s\n' $1 | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
