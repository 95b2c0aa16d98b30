#!/usr/bin/env bash
# teken-test-pki.sh OUTDIR
#
# Creates a small PKI for the tests, shaped like BSrE's (a root, an issuing
# CA, certificates for people):
#
#   root.pem, root.key          Teken Test Root CA (self-signed, RSA 3072)
#   issuing-ca.pem, .key        Teken Test Issuing CA (RSA 3072, issued by root)
#   chain.pem                   issuing-ca.pem then root.pem
#   NAME.pem, NAME.key          the signer's certificate and unencrypted key
#   NAME.p12                    key, certificate and chain.pem, encrypted with
#                               OpenSSL 3's defaults (AES-256-CBC, PBKDF2,
#                               HMAC-SHA256 MAC)
#   NAME.pass                   the password of NAME.p12, one line, mode 0600
#
# with NAME one of
#
#   budi    Budi Santoso      RSA 2048
#   siti    Siti Rahmawati    RSA 3072
#   dewi    Dewi Lestari      EC P-256
#
# and, for the error paths of the PKCS#12 reader,
#
#   budi-nokey.p12              Budi's certificate and chain without the key
#                               (password in budi.pass)
#   budi-legacy.p12             Budi's key and certificate encrypted the way
#                               OpenSSL 1.x did (RC2-40 and 3DES, SHA-1 MAC;
#                               password in budi.pass); only made when the
#                               openssl command has the legacy provider
#
# and, for the verifier (revocation, validity at the signing time, key usage,
# timestamps), all issued by the issuing CA:
#
#   rudi.pem, rudi.key          Rudi Revoked (RSA 2048), valid since 30 days
#                               ago, revoked (keyCompromise) when the PKI was
#                               made
#   eko.pem, eko.key            Eko Expired (RSA 2048), valid from 3 years ago
#                               until 2 years ago
#   keyusage.pem, .key          Kartika Keyusage (RSA 2048), keyUsage
#                               keyCertSign only: not for signing documents
#   issuing-ca.crl              the issuing CA's CRL (PEM), listing rudi and
#                               nobody else; the next update is a year away
#   issuing-ca-stale.crl        the issuing CA's CRL (PEM) from 2 years ago,
#                               listing nobody, expired 23 months ago
#   ocsp.pem, ocsp.key          Teken Test OCSP Responder (RSA 2048,
#                               extendedKeyUsage OCSPSigning)
#   budi.ocsp, rudi.ocsp        OCSP responses (DER) signed by the responder:
#                               good for budi, revoked for rudi; the next
#                               update is a year away
#   budi-by-ca.ocsp             good for budi, signed by the issuing CA itself
#   tsa.pem, tsa.key            Teken Test TSA (RSA 2048, extendedKeyUsage
#                               critical timeStamping)
#   tsa.cnf                     for `openssl ts -reply -config tsa.cnf`, with
#                               -signer, -inkey and -chain given on the
#                               command line; run it in a scratch directory,
#                               where it keeps its serial file (tsa-serial)
#
# The CAs became valid years ago, so that eko chains to them at a time when
# eko was valid.
#
# Passwords are random and keys are fresh on every run, so no test can
# depend on a fixed value. When OUTDIR is already complete (made by this
# version of the script) the script only touches it, so that the build system
# sees it as up to date, and exits; otherwise it builds everything in a
# temporary directory and moves it into place.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi

outdir=$1
stamp=.complete
# The stamp holds the hash of this script, so that a changed script (a new
# certificate, say) rebuilds a directory an older version completed.
version=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)

if [[ -f $outdir/$stamp && $(<"$outdir/$stamp") == "$version" ]]; then
  touch "$outdir"
  exit 0
fi

mkdir -p "$(dirname "$outdir")"
parent=$(cd "$(dirname "$outdir")" && pwd)
outdir=$parent/$(basename "$outdir")
work=$(mktemp -d "$parent/.pki.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
umask 077

# Our own configuration, so that the system's openssl.cnf adds nothing.
# `openssl ca` (the CA sections) is used where a certificate needs given
# validity dates, and for the databases that CRLs and OCSP responses come
# from: OpenSSL 3.0's `x509` and `req` can only start a certificate now.
cat >openssl.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only

[ dn ]

[ root_ca ]
database = root-db/index.txt
new_certs_dir = root-db
rand_serial = yes
certificate = root.pem
private_key = root.key
default_md = sha256
policy = any_name
preserve = yes
email_in_dn = no
unique_subject = no
copy_extensions = none

[ issuing_ca ]
database = issuing-db/index.txt
new_certs_dir = issuing-db
rand_serial = yes
crlnumber = issuing-db/crlnumber
certificate = issuing-ca.pem
private_key = issuing-ca.key
default_md = sha256
policy = any_name
preserve = yes
email_in_dn = no
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext

[ any_name ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied

[ crl_ext ]
authorityKeyIdentifier = keyid:always

[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ issuing_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ signer_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ keycertsign_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ocsp_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

serial() {
  echo "0x$(openssl rand -hex 12)"
}

# when DATE: DATE (as GNU date reads it: "3 years ago", "30 days") in the
# form `openssl ca` takes.
when() {
  date -u -d "$1" +%Y%m%d%H%M%SZ
}

# new_key FILE ALGORITHM OPTION...
new_key() {
  local file=$1
  shift
  openssl genpkey -quiet -algorithm "$@" -out "$file"
}

# run_ca ARGUMENT...: `openssl ca` with our configuration, quiet unless it
# fails.
run_ca() {
  if ! openssl ca -batch -config openssl.cnf -notext "$@" >ca.log 2>&1; then
    cat ca.log >&2
    return 1
  fi
  rm -f ca.log
}

# issue NAME SUBJECT EXTENSIONS ISSUER DAYS
issue() {
  local name=$1 subject=$2 extensions=$3 issuer=$4 days=$5
  openssl req -new -config openssl.cnf -key "$name.key" -subj "$subject" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" \
    -set_serial "$(serial)" -days "$days" -sha256 \
    -extfile openssl.cnf -extensions "$extensions" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr"
}

# issue_dated NAME SUBJECT EXTENSIONS CA_SECTION NOT_BEFORE NOT_AFTER [ca option...]
issue_dated() {
  local name=$1 subject=$2 extensions=$3 section=$4 not_before=$5 not_after=$6
  shift 6
  openssl req -new -config openssl.cnf -key "$name.key" -subj "$subject" -out "$name.csr"
  run_ca -name "$section" -extensions "$extensions" -in "$name.csr" \
    -startdate "$(when "$not_before")" -enddate "$(when "$not_after")" \
    -out "$name.pem" "$@"
  rm -f "$name.csr"
}

new_password() {
  # Meets the passphrase policy, so the same files serve the UI tests.
  printf 'Tk#1%s\n' "$(openssl rand -hex 8)" >"$1.pass"
  chmod 0600 "$1.pass"
}

mkdir root-db issuing-db
touch root-db/index.txt issuing-db/index.txt
echo 1000 >issuing-db/crlnumber

new_key root.key RSA -pkeyopt rsa_keygen_bits:3072
issue_dated root "/C=ID/O=Teken Test/CN=Teken Test Root CA" root_ext root_ca \
  "10 years ago" "20 years" -selfsign -keyfile root.key

new_key issuing-ca.key RSA -pkeyopt rsa_keygen_bits:3072
issue_dated issuing-ca "/C=ID/O=Teken Test/CN=Teken Test Issuing CA" issuing_ext root_ca \
  "9 years ago" "10 years"

cat issuing-ca.pem root.pem >chain.pem

signers=(
  "budi|Budi Santoso|RSA|rsa_keygen_bits:2048"
  "siti|Siti Rahmawati|RSA|rsa_keygen_bits:3072"
  "dewi|Dewi Lestari|EC|ec_paramgen_curve:P-256"
)

for entry in "${signers[@]}"; do
  IFS='|' read -r name cn algorithm option <<<"$entry"
  new_key "$name.key" "$algorithm" -pkeyopt "$option"
  issue "$name" "/C=ID/O=Teken Test/OU=Pemerintah Kota Contoh/CN=$cn" signer_ext issuing-ca 730
  new_password "$name"
  openssl pkcs12 -export -inkey "$name.key" -in "$name.pem" -certfile chain.pem \
    -name "$cn" -passout "file:$name.pass" -out "$name.p12"
done

openssl pkcs12 -export -nokeys -in budi.pem -certfile chain.pem \
  -passout file:budi.pass -out budi-nokey.p12

if openssl list -providers -provider legacy >/dev/null 2>&1; then
  openssl pkcs12 -export -legacy -inkey budi.key -in budi.pem -certfile chain.pem \
    -name "Budi Santoso" -passout file:budi.pass -out budi-legacy.p12
fi

# The verifier's cases.
person="/C=ID/O=Teken Test/OU=Pemerintah Kota Contoh"

new_key rudi.key RSA -pkeyopt rsa_keygen_bits:2048
issue_dated rudi "$person/CN=Rudi Revoked" signer_ext issuing_ca "30 days ago" "700 days"

new_key eko.key RSA -pkeyopt rsa_keygen_bits:2048
issue_dated eko "$person/CN=Eko Expired" signer_ext issuing_ca "3 years ago" "2 years ago"

new_key keyusage.key RSA -pkeyopt rsa_keygen_bits:2048
issue keyusage "$person/CN=Kartika Keyusage" keycertsign_ext issuing-ca 730

new_key ocsp.key RSA -pkeyopt rsa_keygen_bits:2048
issue ocsp "/C=ID/O=Teken Test/CN=Teken Test OCSP Responder" ocsp_ext issuing-ca 730

new_key tsa.key RSA -pkeyopt rsa_keygen_bits:2048
issue tsa "/C=ID/O=Teken Test/CN=Teken Test TSA" tsa_ext issuing-ca 730

# Before anything is revoked: a CRL that was current two years ago.
run_ca -name issuing_ca -gencrl -crl_lastupdate "$(when "2 years ago")" \
  -crl_nextupdate "$(when "23 months ago")" -out issuing-ca-stale.crl

# budi was issued with `x509`, so the database has to be told about him for
# the OCSP responder to answer "good" rather than "unknown".
run_ca -name issuing_ca -valid budi.pem
run_ca -name issuing_ca -revoke rudi.pem -crl_reason keyCompromise
# A year, not the usual days: a build directory keeps its PKI until this
# script changes, and the tests must not start failing a month later.
run_ca -name issuing_ca -gencrl -crldays 365 -out issuing-ca.crl

# ocsp_response NAME SIGNER: answers a request for NAME.pem from the issuing
# CA's database, as SIGNER.
ocsp_response() {
  local name=$1 signer=$2 out=$3
  if ! openssl ocsp -index issuing-db/index.txt -CA issuing-ca.pem \
      -rsigner "$signer.pem" -rkey "$signer.key" -ndays 365 \
      -issuer issuing-ca.pem -cert "$name.pem" -respout "$out" >ocsp.log 2>&1; then
    cat ocsp.log >&2
    return 1
  fi
  rm -f ocsp.log
}

ocsp_response budi ocsp budi.ocsp
ocsp_response rudi ocsp rudi.ocsp
ocsp_response budi issuing-ca budi-by-ca.ocsp

cat >tsa.cnf <<'EOF'
[ tsa ]
default_tsa = teken_test_tsa

[ teken_test_tsa ]
serial = tsa-serial
signer_digest = sha256
default_policy = 1.3.6.1.4.1.57264.99.1
digests = sha1, sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF

rm -rf openssl.cnf root-db issuing-db
echo "$version" >"$stamp"
chmod 0755 .

rm -rf "$outdir"
mv "$work" "$outdir"
trap - EXIT
