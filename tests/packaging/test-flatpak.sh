#!/usr/bin/env bash
# test-flatpak.sh SOURCE_ROOT TEST_PKI SIGNED_PDF
#
# What can be checked of the Flatpak without its runtime (which this
# machine cannot download): the manifest as flatpak-builder reads it, its
# sources pinned, its permissions narrow, and the app installed under /app
# -- built with --prefix=/app, installed into a scratch directory and
# mounted on /app by bubblewrap, as Flatpak does -- finding its
# translations, trust anchors and data there.
set -uo pipefail
root=$1 pki=$2 signed=$3
manifest=$root/flatpak/io.github.teken.Teken.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; sed 's/^/# /' "$work/out"; }
check() { local what=$1; shift; if "$@" >"$work/out" 2>&1; then ok "$what"; else not_ok "$what"; fi; }

check "flatpak-builder reads the manifest" \
  flatpak-builder --show-manifest "$manifest"

check "every source is pinned, the permissions are narrow, the README names the runtime" \
  python3 - "$manifest" "$root/flatpak/README.md" <<'PY'
import json, re, sys
manifest = json.load(open(sys.argv[1]))
readme = open(sys.argv[2]).read()
problems = []
for module in manifest['modules']:
    for source in module.get('sources', []):
        kind = source.get('type')
        if kind in ('archive', 'file'):
            if not source.get('url', '').startswith('https://'):
                problems.append('%s: %s is not fetched over https' % (module['name'], source.get('url')))
            if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                problems.append('%s: %s has no sha256' % (module['name'], source.get('url')))
        elif kind == 'git':
            if not re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')):
                problems.append('%s: a git source without a commit' % module['name'])
        elif not (kind == 'dir' and module['name'] == 'teken'):
            problems.append('%s: a %s source' % (module['name'], kind))
allowed = {'--share=ipc', '--share=network', '--socket=wayland', '--socket=fallback-x11', '--device=dri'}
for arg in manifest['finish-args']:
    if arg not in allowed:
        problems.append('finish-arg %s is wider than Teken needs (flatpak/README.md)' % arg)
runtime = 'org.gnome.Platform//' + manifest['runtime-version']
if manifest['runtime-version'] == 'master' or ('GNOME ' + manifest['runtime-version']) not in readme \
        or runtime not in readme:
    problems.append('the README does not explain the runtime %s' % runtime)
app = manifest['modules'][-1]
if not app.get('run-tests') or '--suite unit' not in ' '.join(app.get('test-commands', [])):
    problems.append('the app module does not run the unit tests')
print('\n'.join(problems))
sys.exit(1 if problems else 0)
PY

# The app as Flatpak installs it: /app, nothing of the build tree.
if meson setup "$work/build" "$root" --prefix=/app -Dtests=false -Dman=false -De2e=false \
     >"$work/out" 2>&1 && meson compile -C "$work/build" >>"$work/out" 2>&1 &&
   meson install -C "$work/build" --destdir "$work/dest" --quiet >>"$work/out" 2>&1; then
  ok "builds and installs with --prefix=/app"
else
  not_ok "builds and installs with --prefix=/app"
  echo "1..$n"; exit 1
fi

# A packager's (or an agency's) anchor, where Teken looks for bundled ones.
mkdir -p "$work/dest/app/share/teken/trust" "$work/home"
cp "$pki/root.pem" "$work/dest/app/share/teken/trust/test-root.pem"

in_app() {
  bwrap --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
    --symlink usr/bin /bin --symlink usr/sbin /sbin --ro-bind /etc /etc \
    --proc /proc --dev /dev --tmpfs /tmp \
    --ro-bind "$work/dest/app" /app --bind "$work/home" /home/user \
    --ro-bind "$(dirname "$signed")" /documents \
    --clearenv --setenv HOME /home/user --setenv PATH /app/bin:/usr/bin \
    --setenv LANGUAGE id --setenv LANG id_ID.UTF-8 "$@"
}

if ! in_app /usr/bin/true 2>"$work/out"; then
  echo "# bubblewrap cannot make a sandbox here, the rest is skipped: $(cat "$work/out")"
  echo "1..$n"; exit $failed
fi

version_runs() { in_app /app/bin/teken --version | grep -x 'teken [0-9.]*'; }
check "teken --version runs from /app" version_runs

# Indonesian words prove the translations; "trusted" the anchor under /app.
verify_runs() {
  in_app /app/bin/teken verify "/documents/$(basename "$signed")" |
    grep 'sah: ditandatangani, tidak berubah, dan tepercaya'
}
check "teken verify finds its translations and trust anchors under /app" verify_runs

ca_init_runs() { in_app /app/bin/teken-ca init /home/user/ca && test -s "$work/home/ca/root.pem"; }
check "teken-ca init finds its seed under /app" ca_init_runs

echo "1..$n"
exit $failed
