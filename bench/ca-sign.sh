#!/usr/bin/env bash
# bench/ca-sign.sh [BUILD_DIR]
#
# The teken-ca benchmark of issue 5: hash-signing requests per second over
# HTTPS on loopback under parallel load, against the physical limit of the
# same machine — what `openssl speed` signs per second with the same key
# type (RSA-2048), on every core.
#
#   meson setup _build-bench -Dbuildtype=release && ninja -C _build-bench src/ca/teken-ca
#   bench/ca-sign.sh _build-bench
#
# Each request carries the holder's passphrase, which teken-ca must turn
# into the key-wrapping key with scrypt (N=2^15, r=8: by design about as slow
# as RSA-2048 signing, so that guessing passphrases from a stolen database
# is slow too) before it can sign. So two loads are measured:
#
#   one digest per request    an app signing one document at a time
#   100 digests per request   batch signing (docs/api.md §9.2): one scrypt,
#                             then 100 RSA signatures
#
# CLIENTS (default 8) keep their HTTPS connection open and send for SECONDS
# (default 10) each; level PAdES_BASELINE_B (no timestamp), so the figure is
# the signing path itself. The server runs in BUILD_DIR/bench/ca-sign/.
set -euo pipefail

die() { echo "ca-sign.sh: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/_build}" && pwd) || die "no build directory"
ca_bin=$build/src/ca/teken-ca
[[ -x $ca_bin ]] || die "$ca_bin is not built"
command -v openssl >/dev/null || die "openssl is missing"
clients=${CLIENTS:-8}
seconds=${SECONDS_EACH:-10}
cores=$(nproc)

work=$build/bench/ca-sign
rm -rf "$work"
mkdir -p "$work"
"$ca_bin" init "$work/data" --seed "$root/data/ca/seed.ini" >/dev/null 2>&1 || die "teken-ca init failed"
"$ca_bin" serve "$work/data" --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s $work/data/serve.url ]] && break; sleep 0.1; done
[[ -s $work/data/serve.url ]] || die "teken-ca did not start"
url=$(cat "$work/data/serve.url")
secret=$(sed -n 's/^client_secret=//p' "$work/data/clients/demo.ini")

echo "machine: $cores cores; $clients clients for ${seconds} s per load"

# The physical limit: RSA-2048 signatures per second on every core.
speed=$(openssl speed -seconds 5 -multi "$cores" rsa2048 2>/dev/null |
        awk '/^rsa 2048 bits/ { print $6 }' | tail -1)
[[ -n $speed ]] || die "openssl speed gave no figure"
echo "openssl speed rsa2048 (-multi $cores): $speed signs/s"

load=$(cat <<'PY'
import base64, http.client, json, ssl, sys, threading, time, urllib.parse

url, secret, root_pem, clients, seconds, digests = sys.argv[1:7]
clients, seconds, digests = int(clients), float(seconds), int(digests)
host = urllib.parse.urlsplit(url)
context = ssl.create_default_context(cafile=root_pem)
auth = 'Basic ' + base64.b64encode(b'demo:' + secret.encode()).decode()
digest = base64.b64encode(bytes(range(32))).decode()
body = json.dumps({
    'nik': '9971010101900001', 'passphrase': 'Frasa-Demo2!',
    'signaturePropertiesHashMap': {
        'doc-%d' % i: {'documentDigestBase64': digest, 'signatureLevel': 'PAdES_BASELINE_B'}
        for i in range(digests)},
})
counts, failures = [0] * clients, [0] * clients
start = time.monotonic()
deadline = start + seconds

def run(k):
    conn = http.client.HTTPSConnection(host.hostname, host.port, context=context)
    while time.monotonic() < deadline:
        conn.request('POST', '/api/v2/sign/hash/pdf', body,
                     {'Content-Type': 'application/json', 'Authorization': auth})
        response = conn.getresponse()
        answer = json.loads(response.read())
        if response.status == 200 and len(answer['data']['cmsSignedDataHashMap']) == digests:
            counts[k] += 1
        else:
            failures[k] += 1

threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - start
print('%.2f %.2f %d' % (sum(counts) / elapsed, sum(counts) * digests / elapsed, sum(failures)))
PY
)

for digests in 1 100; do
  read -r rps sps failed < <(/usr/bin/python3 -c "$load" "$url" "$secret" "$work/data/root.pem" \
                                               "$clients" "$seconds" "$digests")
  ((failed == 0)) || die "$failed requests failed"
  ratio=$(awk -v s="$sps" -v l="$speed" 'BEGIN { printf "%.3f", s / l }')
  echo "teken-ca, $digests digest(s) a request: $rps requests/s, $sps signatures/s = ${ratio}x openssl speed"
done
