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
cat >openssl.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only

[ dn ]

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
EOF

serial() {
  echo "0x$(openssl rand -hex 12)"
}

# new_key FILE ALGORITHM OPTION...
new_key() {
  local file=$1
  shift
  openssl genpkey -quiet -algorithm "$@" -out "$file"
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

new_password() {
  # Meets the passphrase policy, so the same files serve the UI tests.
  printf 'Tk#1%s\n' "$(openssl rand -hex 8)" >"$1.pass"
  chmod 0600 "$1.pass"
}

new_key root.key RSA -pkeyopt rsa_keygen_bits:3072
openssl req -new -x509 -config openssl.cnf -key root.key \
  -subj "/C=ID/O=Teken Test/CN=Teken Test Root CA" \
  -set_serial "$(serial)" -days 7300 -sha256 -extensions root_ext -out root.pem

new_key issuing-ca.key RSA -pkeyopt rsa_keygen_bits:3072
issue issuing-ca "/C=ID/O=Teken Test/CN=Teken Test Issuing CA" issuing_ext root 3650

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

rm -f openssl.cnf
echo "$version" >"$stamp"
chmod 0755 .

rm -rf "$outdir"
mv "$work" "$outdir"
trap - EXIT
