#!/usr/bin/python3
# `teken verify` against the attack corpus (tests/verify/make-attacks.py),
# against the shared conformance corpus when it is present beside the
# project, and as scripts use it (exit status, JSON, errors). TAP on stdout.

import json
import os
import subprocess
import sys
import tempfile
import traceback

TEKEN = os.environ['TEKEN_BIN']
CORPUS = os.environ['TEKEN_TEST_VERIFY_CORPUS']
PKI = os.environ['TEKEN_TEST_PKI']
FIXTURES = os.environ['TEKEN_TEST_FIXTURES']
SHARED = os.environ.get('TEKEN_SHARED_CORPUS', '')

ENV = dict(os.environ, LANGUAGE='C', LC_ALL='C.UTF-8')
ENV.pop('DISPLAY', None)
ENV.pop('WAYLAND_DISPLAY', None)

results = []


def check(name):
    def decorate(function):
        results.append((name, function))
        return function
    return decorate


def verify(paths, trust=(), extra=(), env=ENV):
    argv = [TEKEN, 'verify', '--json', '--no-default-trust', *extra]
    for anchor in trust:
        argv += ['--trust', anchor]
    process = subprocess.run(argv + list(paths), env=env, capture_output=True, text=True, timeout=120)
    assert process.returncode in (0, 1), 'exit %d: %s' % (process.returncode, process.stderr)
    return process.returncode, json.loads(process.stdout)


def all_problems(report):
    texts = list(report['problems'])
    for signature in report['signatures']:
        texts += signature['problems']
    return ' | '.join(texts)


def corpus_entries():
    with open(os.path.join(CORPUS, 'manifest.json')) as manifest:
        return json.load(manifest)


def anchor_paths(entry, base):
    paths = []
    for name in entry.get('trust', []):
        for folder in (base, PKI, CORPUS):
            if os.path.exists(os.path.join(folder, name)):
                paths.append(os.path.join(folder, name))
                break
    return paths


def make_corpus_check(entry):
    def run():
        path = os.path.join(CORPUS, entry['file'])
        code, reports = verify([path], anchor_paths(entry, PKI))
        report = reports[0]
        allowed = entry.get('expect_status') or (['valid'] if entry['expect'] == 'valid' else ['invalid', 'modified'])
        assert report['status'] in allowed, '%s: status %s, expected %s; problems: %s' % (
            entry['file'], report['status'], allowed, all_problems(report))
        assert (code == 0) == (report['status'] == 'valid')
        if report['status'] == 'valid':
            assert len(report['signatures']) == entry.get('signatures', len(report['signatures']))
            for signature in report['signatures']:
                assert signature['integrity'] and signature['trust'] == 'trusted', signature
        if entry.get('weak_digest'):
            assert 'SHA-1' in all_problems(report), all_problems(report)
        keywords = entry.get('expect_problem')
        if isinstance(keywords, str):
            keywords = [keywords]
        if entry['expect'] == 'bad' and keywords:
            problems = all_problems(report).lower()
            assert any(k.lower() in problems for k in keywords), '%s: no problem mentions %r: %s' % (
                entry['file'], keywords, all_problems(report))
    return run


for entry in corpus_entries():
    if entry.get('strict'):
        continue
    check('corpus %s (%s, %s)' % (entry['file'], entry['attack'], entry['expect']))(make_corpus_check(entry))


def make_shared_check(entry):
    def run():
        base = SHARED
        code, reports = verify([os.path.join(base, entry['file'])],
                               [os.path.join(base, t) for t in entry.get('trust', [])])
        report = reports[0]
        allowed = ['valid'] if entry['expect'] == 'valid' else ['invalid', 'modified']
        assert report['status'] in allowed, '%s: status %s, expected %s; problems: %s' % (
            entry['file'], report['status'], allowed, all_problems(report))
    return run


if SHARED and os.path.exists(os.path.join(SHARED, 'manifest.json')):
    with open(os.path.join(SHARED, 'manifest.json')) as manifest:
        for entry in json.load(manifest)['files']:
            check('shared corpus %s (%s)' % (entry['file'], entry['expect']))(make_shared_check(entry))


@check('a document without signatures is unsigned, exit 1')
def unsigned():
    code, reports = verify([os.path.join(FIXTURES, 'hand-minimal.pdf')])
    assert code == 1 and reports[0]['status'] == 'unsigned' and reports[0]['signatures'] == []


@check('not a PDF, damaged and encrypted files are errors that say why')
def errors():
    for name, words in (('bad-not-pdf.pdf', 'not a PDF'), ('bad-truncated.pdf', 'damaged'),
                        ('qpdf-encrypted-aes256.pdf', 'password')):
        code, reports = verify([os.path.join(FIXTURES, name)])
        assert code == 1 and reports[0]['status'] == 'error', reports
        assert words in all_problems(reports[0]), all_problems(reports[0])


@check('a signed file cut off part-way says so, and is never valid')
def cut_off():
    with open(os.path.join(CORPUS, 'ok-teken.pdf'), 'rb') as f:
        data = f.read()
    # Half-way through the signed update, after the original's end marker.
    original_end = data.rfind(b'%%EOF', 0, len(data) - 8)
    assert original_end > 0
    with tempfile.NamedTemporaryFile(suffix='.pdf') as cut:
        cut.write(data[:(original_end + len(data)) // 2])
        cut.flush()
        code, reports = verify([cut.name], [os.path.join(PKI, 'root.pem')])
    assert code == 1 and reports[0]['status'] == 'error', reports
    assert 'cut off' in all_problems(reports[0]) and 'Ask the sender' in all_problems(reports[0]), reports


@check('without the root the same document is untrusted, never valid')
def untrusted():
    code, reports = verify([os.path.join(CORPUS, 'ok-teken.pdf')])
    signature = reports[0]['signatures'][0]
    assert code == 1 and reports[0]['status'] == 'untrusted', reports
    assert signature['integrity'] and signature['trust'] != 'trusted'
    assert signature['changes_after'] == 'none' and signature['coverage'] == 'entire_file'


@check('several files: one report each, exit 1 when any is not valid')
def several():
    good = os.path.join(CORPUS, 'ok-teken.pdf')
    code, reports = verify([good, good], [os.path.join(PKI, 'root.pem')])
    assert code == 0 and [r['status'] for r in reports] == ['valid', 'valid']
    code, reports = verify([good, os.path.join(FIXTURES, 'hand-minimal.pdf')], [os.path.join(PKI, 'root.pem')])
    assert code == 1 and [r['status'] for r in reports] == ['valid', 'unsigned']


@check('the JSON report has every field the contract names')
def json_shape():
    code, reports = verify([os.path.join(CORPUS, 'ok-teken-twice.pdf')], [os.path.join(PKI, 'root.pem')])
    keys = {'field', 'signer', 'subject', 'issuer', 'serial', 'signing_time', 'time_source', 'status', 'integrity',
            'coverage', 'changes_after', 'docmdp', 'chain', 'trust', 'revocation', 'timestamp', 'problems'}
    report = reports[0]
    assert set(report) == {'file', 'status', 'signatures', 'problems'}, set(report)
    first, second = report['signatures']
    assert set(first) == keys, set(first) ^ keys
    assert first['coverage'] == 'entire_revision' and first['changes_after'] == 'signatures'
    assert second['coverage'] == 'entire_file' and second['changes_after'] == 'none'
    assert first['signer'] == 'Budi Santoso' and first['time_source'] == 'claimed'
    assert first['chain'][-1].endswith('Teken Test Root CA') or 'Teken Test Root CA' in first['chain'][-1], first['chain']


@check('usage errors exit 2 and say so')
def usage():
    for argv in ([TEKEN, 'verify'], [TEKEN, 'verify', '--trust', '/nonexistent.pem', 'x.pdf'],
                 [TEKEN, 'verify', '--frobnicate', 'x.pdf']):
        process = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=60)
        assert process.returncode == 2 and process.stderr.startswith('teken verify: '), (argv, process.returncode, process.stderr)


@check('the report speaks Indonesian when the user does')
def indonesian():
    env = dict(ENV, LANGUAGE='id', LC_ALL='id_ID.UTF-8')
    process = subprocess.run([TEKEN, 'verify', '--no-default-trust', '--trust', os.path.join(PKI, 'root.pem'),
                              os.path.join(CORPUS, 'isa-content.pdf')], env=env, capture_output=True, text=True,
                             timeout=60)
    assert process.returncode == 1
    assert 'Penanda tangan' in process.stdout and 'diubah' in process.stdout, process.stdout


def main():
    print('1..%d' % len(results))
    failed = 0
    for number, (name, function) in enumerate(results, 1):
        try:
            function()
            print('ok %d - %s' % (number, name))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
