#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sanity checks of the verify corpus written by make-attacks.py.

Usage: /usr/bin/python3 check-corpus.py [DIR]   (default: $TEKEN_TEST_VERIFY_CORPUS)

Checks that manifest.json is well formed and consistent (bad files expect
invalid or modified only; USF and SWA files expect invalid), that it lists
every PDF in DIR once, and that `qpdf --check` exits for each file as the
manifest records (0, or 3 for warnings).  Prints TAP on stdout; details of
failures go to stderr.
"""

import json
import os
import subprocess
import sys

results = []

KEYS = ['file', 'expect', 'expect_status', 'attack', 'what', 'trust', 'signatures',
        'expect_problem', 'pdfsig', 'pdfsig_detail', 'qpdf_check_exit', 'producer']
ATTACKS = {'usf', 'isa', 'swa', 'shadow-hide', 'shadow-replace', 'shadow-hide-and-replace',
           'certification', 'none'}
STATUSES = {'valid', 'untrusted', 'modified', 'invalid', 'unsigned', 'error'}


def report(ok, name, diag=''):
    results.append((ok, name))
    if not ok and diag:
        sys.stderr.write('# %s\n%s\n' % (name, diag))


def entry_problems(e):
    p = [k for k in KEYS if k not in e]
    if p:
        return 'missing keys %s' % p
    st = e['expect_status']
    if e['expect'] not in ('valid', 'bad'):
        p.append('expect %r' % e['expect'])
    if e['attack'] not in ATTACKS:
        p.append('attack %r' % e['attack'])
    if not st or not set(st) <= STATUSES:
        p.append('expect_status %r' % st)
    if e['expect'] == 'valid' and st != ['valid']:
        p.append('a valid file must expect exactly ["valid"]')
    if e['expect'] == 'bad' and not set(st) <= {'invalid', 'modified'}:
        p.append('a bad file may only expect invalid or modified')
    if e['attack'] in ('usf', 'swa') and st != ['invalid']:
        p.append('USF and SWA files expect ["invalid"]')
    if e['expect'] == 'bad' and e['attack'] == 'none':
        p.append('a bad file names its attack')
    if not (isinstance(e['signatures'], int) and e['signatures'] >= 1):
        p.append('signatures %r' % e['signatures'])
    if not (isinstance(e['trust'], list) and e['trust']):
        p.append('trust %r' % e['trust'])
    if e['qpdf_check_exit'] not in (0, 3):
        p.append('qpdf_check_exit %r' % e['qpdf_check_exit'])
    return '; '.join(p)


def main(argv):
    d = argv[1] if len(argv) > 1 else os.environ.get('TEKEN_TEST_VERIFY_CORPUS', '')
    try:
        with open(os.path.join(d, 'manifest.json')) as fh:
            manifest = json.load(fh)
    except (OSError, ValueError) as ex:
        print('1..0 # SKIP no corpus: %s' % ex)
        return 0 if not d else 1

    listed = [e.get('file') for e in manifest]
    on_disk = {f for f in os.listdir(d) if f.endswith('.pdf')}
    report(set(listed) == on_disk and len(set(listed)) == len(listed),
           'manifest lists every file once', 'only listed: %s\nonly on disk: %s' % (
               sorted(set(listed) - on_disk), sorted(on_disk - set(listed))))
    kinds = {e.get('attack') for e in manifest}
    report(ATTACKS <= kinds, 'every attack class is present', str(sorted(ATTACKS - kinds)))
    report(any(e.get('expect') == 'valid' for e in manifest)
           and any(e.get('expect') == 'bad' for e in manifest),
           'valid and bad files both present')

    for e in manifest:
        name = e.get('file', '?')
        bad = entry_problems(e)
        report(not bad, '%s: manifest entry is consistent' % name, bad)
        path = os.path.join(d, name)
        if not os.path.isfile(path):
            report(False, '%s: exists' % name)
            continue
        p = subprocess.run(['qpdf', '--check', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        want = e.get('qpdf_check_exit', 0)
        report(p.returncode == want and p.returncode in (0, 3),
               '%s: qpdf --check exits %d' % (name, want),
               'exit %d\n%s%s' % (p.returncode, p.stdout.decode(errors='replace'),
                                  p.stderr.decode(errors='replace')))

    print('1..%d' % len(results))
    for i, (ok, name) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
