#!/usr/bin/env bash
# bench/verify-corpus.sh [BUILD_DIR]
#
# The verification benchmark of issue 4:
#
#   verify a corpus of signed PDFs of mixed sizes (at least 200, made by the
#   benchmark) at least 2x as many files per second as pdfsig, measured in
#   the same run, and
#   verify a 1 GiB signed PDF with peak RSS below 64 MiB.
#
# BUILD_DIR (default: _build in the source tree) holds a built src/teken; a
# release build is what the goals are about:
#
#   meson setup _build-bench -Dbuildtype=release && ninja -C _build-bench src/teken
#   bench/verify-corpus.sh _build-bench
#
# Everything the benchmark makes goes to BUILD_DIR/bench/: the corpus in
# verify/corpus/ (generated and signed once, and kept: about 260 MiB), the
# 1 GiB test document of sign-large.sh (shared with it, kept), a test PKI from
# tests/teken-test-pki.sh with an NSS database trusting its root for pdfsig,
# and, for the length of a run only, the signed 1 GiB document. It needs
# about 2.5 GiB free there.
#
# Each tool verifies the corpus the way it is meant to: `teken verify` takes
# every file in one call (as `teken verify *.pdf`), pdfsig takes one file a
# call. That is the goal's comparison. One `teken verify` a file is measured
# too and reported beside it, since it shows the cost of starting a process. Both tools check the signer's chain against
# the test root only: `teken verify --no-default-trust --trust root.pem`,
# `pdfsig -nssdir sql:DB` (a database trusting only that root). Both work
# offline: the test certificates name no OCSP responder for pdfsig to ask.
# pdfsig's -no-ocsp is not used: poppler 22.12 then reports "Unknown issue
# with Certificate or corrupted data" for every signature instead of
# checking the chain.
#
# The page cache cannot be dropped without root, so the inputs are read once
# before measuring (by the correctness check, which also loads both tools)
# and every run starts warm. The jobs take turns in rotated order, RUNS times
# each (default 3), and the medians are compared.
#
# Environment: RUNS (runs of each, default 3), FILES (documents in the
# corpus, default 240; the goal is about at least 200), SIZE_MIB (size of the
# large document, default 1024; smaller sizes are for trying the script out).
#
# Exits 0 when both goals are met, 1 when one is not or when either tool
# does not find every document valid, 2 when the benchmark could not run.
set -euo pipefail

readonly goal_ratio=2
readonly goal_rss_mib=64
readonly goal_files=200
runs=${RUNS:-3}
files=${FILES:-240}
size_mib=${SIZE_MIB:-1024}

source_dir=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
build_dir=$(readlink -f "${1:-$source_dir/_build}")
teken=$build_dir/src/teken
work=$build_dir/bench

die() {
  echo "verify-corpus: $*" >&2
  exit 2
}

# shellcheck source=bench/lib.sh
source "$source_dir/bench/lib.sh"

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"
((runs >= 3)) || echo "verify-corpus: warning: fewer than 3 runs; the medians mean little" >&2
[[ $files =~ ^[1-9][0-9]*$ ]] || die "FILES must be a positive number"
((files >= goal_files)) || echo "verify-corpus: warning: fewer than $goal_files files; the goal is about $goal_files or more" >&2
[[ $size_mib =~ ^[1-9][0-9]*$ && $((size_mib % 4)) -eq 0 ]] ||
  die "SIZE_MIB must be a positive multiple of 4"
[[ -x $teken ]] ||
  die "no $teken; build it first: meson setup $build_dir -Dbuildtype=release && ninja -C $build_dir src/teken"
for tool in /usr/bin/time /usr/bin/python3 qpdf pdfsig certutil sha256sum openssl xargs; do
  command -v "$tool" >/dev/null ||
    die "$tool is missing (./run installs it: packages time, python3, qpdf, poppler-utils, libnss3-tools, openssl)"
done

vwork=$work/verify
corpus=$vwork/corpus
big=$work/big-${size_mib}MiB.pdf
big_signed=$vwork/big-signed.pdf
pki=$work/pki
nssdb=$work/nssdb
mkdir -p "$vwork"
trap 'rm -rf "$corpus.tmp" "$big_signed" "$big.tmp" "$vwork"/.big-signed.pdf.* "$vwork/time.out"' EXIT

# Disk: the corpus (about 1 MB a document), the large document and its
# signed copy. What is kept counts as room already taken.
size_bytes=$((size_mib * 1024 * 1024))
need=$((2 * size_bytes + files * 2 * 1024 * 1024))
have=$(($(df --output=avail -B1 "$vwork" | tail -1) + $(stat -c %s "$big" 2>/dev/null || echo 0) +
        $(du -sb "$corpus" 2>/dev/null | cut -f1 || echo 0)))
if ((have < need)); then
  die "needs $((need / 1024 / 1024)) MiB free in $work (with what it keeps), has $((have / 1024 / 1024)) MiB"
fi

make_pki "$pki" "$nssdb"

# ---------------------------------------------------------------------------
# The corpus: FILES documents of three kinds, drawn from a fixed seed so that
# every machine gets the same corpus:
#
#   text   45 %, 1-50 pages of text, most content streams Flate-compressed;
#   photo  40 %, 1-12 pages of text, six in ten with a picture: a "photo"
#          (RGB noise, stored as is, like a JPEG: up to 920 KB) or a
#          "drawing" (a grey gradient that Flate shrinks to a few KB);
#   scan   15 %, 1-3 pages, each an uncompressed 1240x1754 grey scan
#          (2.1 MiB, an A4 page at 150 dpi) under a few lines of text.
#
# The generator also writes the plan of how each is signed (see its end):
# three in ten are first rewritten by qpdf with object streams and a
# cross-reference stream (streams kept as they are); all are signed by Budi, a quarter with the
# adbe.pkcs7.detached subfilter instead of PAdES, half of them visibly on a
# random page (with a QR code); three in ten are then signed again by Siti,
# half of those visibly.
corpus_generator=$(cat <<'PY'
import random, sys, zlib

out_dir, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(20260404)
words = (b'surat keputusan kepala dinas komunikasi informatika kota contoh tentang '
         b'penetapan anggaran pelaksanaan kegiatan tahun bahwa dalam rangka menimbang '
         b'mengingat memutuskan pasal ayat pegawai negeri sipil jabatan tanggal nomor').split()

def text_page(number, pages, lines):
    out = [b'BT /F1 10 Tf 50 790 Td 13 TL (Teken verification benchmark, page %d of %d) Tj' % (number, pages)]
    for _ in range(lines):
        out.append(b'T* (%s) Tj' % b' '.join(rng.choice(words) for _ in range(rng.randint(6, 11))))
    out.append(b'ET')
    return b'\n'.join(out) + b'\n'

def photo(width, height):
    # Like a JPEG photo: does not compress, stored as is.
    return b'/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8' % (width, height), rng.randbytes(width * height * 3), False

def drawing(width, height):
    # A smooth picture that Flate shrinks a lot.
    row = bytes((x * 255 // max(width - 1, 1)) for x in range(width))
    data = b''.join(row[y % width:] + row[:y % width] for y in range(height))
    return b'/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8' % (width, height), data, True

def scan(width, height):
    # An uncompressed grey scan: a pale page with noisy dark specks.
    data = bytearray(b'\xf0' * (width * height))
    noise = rng.randbytes(width * height // 16)
    for k in range(0, len(noise), 8):
        data[k * 16] = noise[k]
    return b'/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8' % (width, height), bytes(data), False

def write_pdf(path, kind, pages):
    objects = {}
    # 1 catalog, 2 pages, 3 font, then per page: page, contents, [image]
    number = 4
    kids = []
    for p in range(pages):
        page, contents = number, number + 1
        number += 2
        image = None
        if kind == 'scan' or (kind == 'photo' and rng.random() < 0.6):
            image = number
            number += 1
            if kind == 'scan':
                header, data, flate = scan(1240, 1754)
            elif rng.random() < 0.5:
                header, data, flate = photo(rng.randint(64, 560), rng.randint(64, 560))
            else:
                header, data, flate = drawing(rng.randint(200, 1200), rng.randint(200, 1200))
            if flate:
                data = zlib.compress(data, 6)
                header += b' /Filter /FlateDecode'
            objects[image] = (b'<< /Type /XObject /Subtype /Image %s /Length %d >>\nstream\n' % (header, len(data)), data)
        body = text_page(p + 1, pages, 8 if kind == 'scan' else rng.randint(20, 55))
        if image:
            body = b'q 400 0 0 300 100 150 cm /Im0 Do Q\n' + body
        stream_header = b'<< /Length %d >>\nstream\n'
        if rng.random() < 0.7:
            body = zlib.compress(body, 6)
            stream_header = b'<< /Length %d /Filter /FlateDecode >>\nstream\n'
        objects[contents] = (stream_header % len(body), body)
        xobject = b' /XObject << /Im0 %d 0 R >>' % image if image else b''
        objects[page] = (b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
                         b'/Resources << /Font << /F1 3 0 R >>%s >> /Contents %d 0 R >>' % (xobject, contents), None)
        kids.append(page)
    objects[1] = (b'<< /Type /Catalog /Pages 2 0 R >>', None)
    objects[2] = (b'<< /Type /Pages /Count %d /Kids [%s] >>' % (pages, b' '.join(b'%d 0 R' % k for k in kids)), None)
    objects[3] = (b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>', None)
    offsets = {}
    with open(path, 'wb') as out:
        out.write(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
        for n in sorted(objects):
            offsets[n] = out.tell()
            head, data = objects[n]
            out.write(b'%d 0 obj\n' % n + head)
            if data is not None:
                out.write(data + b'\nendstream')
            out.write(b'\nendobj\n')
        xref = out.tell()
        out.write(b'xref\n0 %d\n0000000000 65535 f \n' % number)
        for n in range(1, number):
            out.write(b'%010d 00000 n \n' % offsets[n])
        out.write(b'trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n'
                  % (number, rng.randbytes(16).hex().encode(), rng.randbytes(16).hex().encode(), xref))

# The plan, one line a document, for the signing step:
#   NAME PAGES OBJSTM SUBFILTER PAGE1 SECOND PAGE2
# OBJSTM 1: rewritten by qpdf with object streams and a cross-reference
# stream before signing; SUBFILTER pades or pkcs7; PAGE1/PAGE2 the page of a
# visible signature, 0 for an invisible one; SECOND 1: signed again by Siti.
with open(out_dir + '/plan', 'w') as plan:
    for i in range(count):
        kind = rng.choices(['text', 'photo', 'scan'], weights=[45, 40, 15])[0]
        pages = {'text': lambda: rng.randint(1, 50), 'photo': lambda: rng.randint(1, 12),
                 'scan': lambda: rng.randint(1, 3)}[kind]()
        name = '%03d-%s-%dp' % (i + 1, kind, pages)
        write_pdf('%s/%s.pdf' % (out_dir, name), kind, pages)
        objstm = rng.random() < 0.3
        subfilter = 'pkcs7' if rng.random() < 0.25 else 'pades'
        page1 = rng.randint(1, pages) if rng.random() < 0.5 else 0
        second = rng.random() < 0.3
        page2 = rng.randint(1, pages) if second and rng.random() < 0.5 else 0
        plan.write('%s %d %d %s %d %d %d\n' % (name, pages, objstm, subfilter, page1, second, page2))
PY
)

# sign_one NAME PAGES OBJSTM SUBFILTER PAGE1 SECOND PAGE2, a line of the plan,
# in $out (with the unsigned documents in $out/src), run by xargs.
sign_one() {
  local name=$1 objstm=$3 subfilter=$4 page1=$5 second=$6 page2=$7
  local src=$out/src/$name.pdf once=$out/src/$name.once.pdf first_out=$out/$name.pdf
  local visible1=() visible2=()
  ((page1)) && visible1=(--rect "36,700,240,80" --page "$page1" --position "Kepala Dinas Kominfo"
                         --reason Persetujuan --location Surabaya --qr "https://teken.example/v/$name")
  ((page2)) && visible2=(--rect "300,700,240,80" --page "$page2" --position "Sekretaris Dinas"
                         --reason Mengetahui --location Surabaya)
  ((second)) && first_out=$once
  if ((objstm)) && ! { qpdf --object-streams=generate --stream-data=preserve "$src" "$src.objstm" && mv "$src.objstm" "$src"; }; then
    echo "verify-corpus: qpdf could not rewrite $name" >&2
    return 1
  fi
  "$teken" sign --p12 "$pki/budi.p12" --p12-password-file "$pki/budi.pass" --subfilter "$subfilter" \
    "${visible1[@]}" -o "$first_out" "$src" ||
    { echo "verify-corpus: could not sign $name" >&2; return 1; }
  if ((second)); then
    "$teken" sign --p12 "$pki/siti.p12" --p12-password-file "$pki/siti.pass" \
      "${visible2[@]}" -o "$out/$name.pdf" "$once" ||
      { echo "verify-corpus: could not sign $name again" >&2; return 1; }
  fi
}

# The stamp holds the hash of the generator, of the signing and of the test
# root: a change to any of them makes a new corpus (a new PKI has a new root,
# which an old corpus does not chain to); otherwise it is never made twice.
stamp=$vwork/corpus.stamp
version=$({ printf '%s\n' "$corpus_generator" "$files"; declare -f sign_one; cat "$pki/root.pem"; } |
          sha256sum | cut -d' ' -f1)
if [[ ! -d $corpus || ! -f $stamp || $(<"$stamp") != "$version" ]]; then
  rm -rf "$corpus" "$stamp" "$corpus.tmp"
  mkdir -p "$corpus.tmp/src"
  echo "Generating and signing the corpus of $files documents (once; kept in $corpus)..."
  started=$(date +%s)
  /usr/bin/python3 -c "$corpus_generator" "$corpus.tmp/src" "$files"
  export -f sign_one
  if ! teken=$teken pki=$pki out=$corpus.tmp \
       xargs -P "$(nproc)" -L 1 bash -c 'sign_one "$@"' _ <"$corpus.tmp/src/plan"; then
    die "could not make the corpus"
  fi
  mv "$corpus.tmp/src/plan" "$corpus.tmp/plan"
  rm -rf "$corpus.tmp/src"
  mv "$corpus.tmp" "$corpus"
  echo "$version" >"$stamp"
  echo "  made in $(($(date +%s) - started)) s"
fi

docs=("$corpus"/*.pdf)
plan=$corpus/plan
((${#docs[@]} == $(wc -l <"$plan"))) || die "$corpus does not hold the documents of its plan; delete it"

# ---------------------------------------------------------------------------
# Correctness, and the warm-up: every document must be `valid` for Teken
# (from one --json run over all of them) with as many valid signatures as
# the plan signed, and pdfsig must say "Signature is Valid." and
# "Certificate is Trusted." of each of those signatures (so that it, too,
# did the whole job).

echo "Checking the corpus with teken verify --json and pdfsig (this also warms the cache)..."
cat "${docs[@]}" >/dev/null
teken_check=$("$teken" verify --json --no-default-trust --trust "$pki/root.pem" "${docs[@]}" |
  /usr/bin/python3 -c '
import json, os, sys
plan = {}
for line in open(sys.argv[1]):
    fields = line.split()
    plan[fields[0]] = 1 + int(fields[5])
reports = json.load(sys.stdin)
valid = signatures = 0
for report in reports:
    name = os.path.basename(report["file"])[:-len(".pdf")]
    good = [s for s in report["signatures"] if s["status"] == "valid"]
    if report["status"] == "valid" and len(good) == len(report["signatures"]) == plan.get(name):
        valid += 1
    else:
        print("verify-corpus: teken verify: %s is %s, %d of %d signatures valid"
              % (name, report["status"], len(good), plan.get(name, 0)), file=sys.stderr)
    signatures += len(good)
print(len(reports), valid, signatures, sum(plan.values()))
' "$plan") || true
read -r teken_reports teken_valid teken_signatures _ <<<"$teken_check"
teken_reports=${teken_reports:-0} teken_valid=${teken_valid:-0} teken_signatures=${teken_signatures:-0}
planned_signatures=$(awk '{ n += 1 + $6 } END { print n }' "$plan")

pdfsig_valid=0 pdfsig_trusted=0 pdfsig_files=0
while read -r name _ _ _ _ second _; do
  out=$(pdfsig -nssdir "sql:$nssdb" "$corpus/$name.pdf" 2>&1) || true
  valid=$(grep -c 'Signature Validation: Signature is Valid\.' <<<"$out" || true)
  trusted=$(grep -c 'Certificate Validation: Certificate is Trusted\.' <<<"$out" || true)
  pdfsig_valid=$((pdfsig_valid + valid))
  pdfsig_trusted=$((pdfsig_trusted + trusted))
  if ((valid == 1 + second && trusted == 1 + second)); then
    pdfsig_files=$((pdfsig_files + 1))
  else
    echo "verify-corpus: pdfsig: $name: $valid of $((1 + second)) signatures valid, $trusted trusted" >&2
  fi
done <"$plan"

# A tool that gets the corpus wrong fails the benchmark; its speed would not
# mean anything.
if [[ $teken_valid != "${#docs[@]}" || $teken_reports != "${#docs[@]}" || $pdfsig_files != "${#docs[@]}" ]]; then
  echo "teken verify: $teken_valid of ${#docs[@]} valid; pdfsig: $pdfsig_files of ${#docs[@]} with every signature valid and trusted"
  echo "FAIL: not every document verified (see above)"
  exit 1
fi

# ---------------------------------------------------------------------------
# Measuring the corpus
#
# Three jobs, each under /usr/bin/time (wall, user + system CPU, peak RSS --
# for a loop, that of its largest child):
#
#   teken_each   one `teken verify` a document, as pdfsig has to be run;
#   teken_all    one `teken verify` for all the documents;
#   pdfsig_each  one `pdfsig` a document.
#
# Each round runs the three in a rotated order, so no job always comes first
# or always follows the same neighbour. Output goes to /dev/null; a document
# that does not verify stops the job (teken verify exits 1 unless all are
# valid).

declare -A wall=() cpu=() rss=()

measure() {
  local job=$1 out=$vwork/time.out e u s m
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null || die "$job failed"
  read -r e u s m < <(tail -1 "$out")
  rm -f "$out"
  wall[$job]+="$e "
  cpu[$job]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
  rss[$job]+="$(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }') "
}

run_teken_each() {
  measure teken_each bash -c 'teken=$1 root=$2; shift 2
    for f; do "$teken" verify --no-default-trust --trust "$root" "$f" || exit; done' _ \
    "$teken" "$pki/root.pem" "${docs[@]}"
}

run_teken_all() {
  measure teken_all "$teken" verify --no-default-trust --trust "$pki/root.pem" "${docs[@]}"
}

run_pdfsig_each() {
  measure pdfsig_each bash -c 'nssdb=$1; shift
    for f; do pdfsig -nssdir "sql:$nssdb" "$f" 2>/dev/null || exit; done' _ \
    "$nssdb" "${docs[@]}"
}

last() { awk '{ print $NF }' <<<"$1"; }
per_second() { awk -v n="${#docs[@]}" -v t="$1" 'BEGIN { printf "%.1f", n / t }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
corpus_jobs=(teken_each teken_all pdfsig_each)
for ((i = 0; i < runs; i++)); do
  for ((j = 0; j < 3; j++)); do
    "run_${corpus_jobs[(i + j) % 3]}"
  done
  printf 'run %d: teken a file each %6.2f s   teken all at once %6.2f s   pdfsig a file each %6.2f s\n' $((i + 1)) \
    "$(last "${wall[teken_each]}")" "$(last "${wall[teken_all]}")" "$(last "${wall[pdfsig_each]}")"
done

# ---------------------------------------------------------------------------
# The large document: sign-large.sh's 1 GiB document (see make_big_pdf in
# lib.sh), signed once by Teken for this run, then verified by each tool,
# RUNS times in alternating order.

make_big_pdf "$big" $((size_mib / 4))
echo "Signing the ${size_mib} MiB document once..."
rm -f "$big_signed"
sync
"$teken" sign --p12 "$pki/budi.p12" --p12-password-file "$pki/budi.pass" \
  --rect 36,36,200,60 -o "$big_signed" "$big" || die "teken sign failed on $big"
sync
big_status=$("$teken" verify --json --no-default-trust --trust "$pki/root.pem" "$big_signed" |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["status"])') || true
big_pdfsig=$(pdfsig -nssdir "sql:$nssdb" "$big_signed" 2>&1) || true
if [[ $big_status != valid ]] || ! grep -q 'Signature Validation: Signature is Valid\.' <<<"$big_pdfsig" ||
   ! grep -q 'Certificate Validation: Certificate is Trusted\.' <<<"$big_pdfsig"; then
  echo "verify-corpus: the signed ${size_mib} MiB document: teken verify says ${big_status:-nothing}; pdfsig says" >&2
  echo "$big_pdfsig" >&2
  echo "FAIL: not every document verified (see above)"
  exit 1
fi
big_pdfsig_summary=$(grep -E 'Signature Validation|Certificate Validation|Total document signed' <<<"$big_pdfsig" |
                     sed 's/^ *- */               /')

run_big_teken() {
  measure big_teken "$teken" verify --no-default-trust --trust "$pki/root.pem" "$big_signed"
}

run_big_pdfsig() {
  measure big_pdfsig pdfsig -nssdir "sql:$nssdb" "$big_signed"
}

echo "Warming the page cache with the signed document..."
cat "$big_signed" >/dev/null
big_jobs=(big_teken big_pdfsig)
for ((i = 0; i < runs; i++)); do
  for ((j = 0; j < 2; j++)); do
    "run_${big_jobs[(i + j) % 2]}"
  done
  printf 'run %d: %d MiB: teken %6.2f s, peak RSS %6.1f MiB   pdfsig %6.2f s, peak RSS %6.1f MiB\n' $((i + 1)) "$size_mib" \
    "$(last "${wall[big_teken]}")" "$(last "${rss[big_teken]}")" \
    "$(last "${wall[big_pdfsig]}")" "$(last "${rss[big_pdfsig]}")"
done

# ---------------------------------------------------------------------------
# Report

declare -A wall_median cpu_median rss_max
for job in "${corpus_jobs[@]}" "${big_jobs[@]}"; do
  wall_median[$job]=$(median "${wall[$job]}")
  cpu_median[$job]=$(median "${cpu[$job]}")
  rss_max[$job]=$(printf '%s\n' ${rss[$job]} | sort -g | tail -1)
done
ratio=$(awk -v t="${wall_median[teken_each]}" -v p="${wall_median[pdfsig_each]}" 'BEGIN { printf "%.2f", p / t }')
all_ratio=$(awk -v t="${wall_median[teken_all]}" -v p="${wall_median[pdfsig_each]}" 'BEGIN { printf "%.2f", p / t }')
ratio_ok=$(awk -v r="$all_ratio" -v g="$goal_ratio" 'BEGIN { print (r >= g) ? 1 : 0 }')
rss_ok=$(awk -v r="${rss_max[big_teken]}" -v g="$goal_rss_mib" 'BEGIN { print (r < g) ? 1 : 0 }')
verdict() { if (($1)); then echo PASS; else echo FAIL; fi; }
line() {
  printf '  %-26s %6.1f files/s   median %6.2f s wall, %6.2f s CPU, peak RSS %5.1f MiB   (wall: %s)\n' \
    "$1" "$(per_second "${wall_median[$2]}")" "${wall_median[$2]}" "${cpu_median[$2]}" "${rss_max[$2]}" "${wall[$2]% }"
}
big_line() {
  printf '  %-14s median %6.2f s wall, %6.2f s CPU, peak RSS %6.1f MiB (the highest of %s)\n' \
    "$1" "${wall_median[$2]}" "${cpu_median[$2]}" "${rss_max[$2]}" "${rss[$2]% }"
}

sizes=$(stat -c %s "${docs[@]}" | sort -n | awk '{ v[NR] = $1; t += $1 }
  function h(b) { return b >= 1048576 ? sprintf("%.1f MiB", b / 1048576) : sprintf("%.0f KiB", b / 1024) }
  END { printf "%s, from %s to %s, median %s", h(t), h(v[1]), h(v[NR]), h(v[int((NR + 1) / 2)]) }')
mix=$(awk '{ split($1, n, "-"); kind[n[2]]++; pages += $2; objstm += $3; pkcs7 += ($4 == "pkcs7");
             visible += ($5 > 0) + ($7 > 0); second += $6 }
  END { printf "%d text, %d photo, %d scan; %d pages; %d signed twice; %d visible signatures; %d pkcs7; %d with object streams",
        kind["text"], kind["photo"], kind["scan"], pages, second, visible, pkcs7, objstm }' "$plan")
big_size=$(stat -c %s "$big")
big_signed_size=$(stat -c %s "$big_signed")

cat <<REPORT

Verifying signed PDFs: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)
  $(pdfsig -v 2>&1 | head -1)
  corpus       ${#docs[@]} documents, $planned_signatures signatures, $sizes
               $mix
  correct      teken verify: $teken_valid of ${#docs[@]} valid ($teken_signatures of $planned_signatures signatures)
               pdfsig: $pdfsig_files of ${#docs[@]} with every signature valid and trusted ($pdfsig_valid "Signature is Valid.", $pdfsig_trusted "Certificate is Trusted.")
  load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (busy machines give noisy figures)
  runs         $runs of each, rotated
$(line "teken verify, a file each" teken_each)
$(line "teken verify, all at once" teken_all)
$(line "pdfsig, a file each" pdfsig_each)
  ratio        $all_ratio  teken verify on the corpus / pdfsig a file each, files per second; goal >= $goal_ratio: $(verdict "$ratio_ok")
               $ratio  teken verify a file each / pdfsig a file each, for information

  large        input $big_size bytes ($size_mib MiB), signed $big_signed_size bytes; teken verify: ${big_status:-?}; pdfsig
$big_pdfsig_summary
$(big_line "teken verify" big_teken)
$(big_line "pdfsig" big_pdfsig)
  peak RSS     ${rss_max[big_teken]} MiB; goal < $goal_rss_mib MiB: $(verdict "$rss_ok")
REPORT

if ((ratio_ok && rss_ok)); then
  echo "PASS"
  exit 0
fi
echo "FAIL"
exit 1
