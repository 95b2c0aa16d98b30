#!/usr/bin/python3
# Signing as a holder does it: the installed app against a real teken-ca on
# loopback. Open a PDF, place a visible signature with a preset, sign in to
# My Certificate from the sign dialog (TOTP computed from Budi's key), act
# as Plh., sign with a wrong passphrase (the tries left are said) and then
# the right one, and see the signed copy verified against teken-ca's root.
# The output is checked with pdfsig and qpdf. A screenshot of each step.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import App, click, find, find_label_containing, run_tests, tap, tr, wait_for  # noqa: E402
from test_account import BUDI, Ca, enter_code, make_pdf, press, screenshot, sign_in, type_into  # noqa: E402

DIALOG = 'Sign Document'


def trusting_env(ca, scratch):
    """teken-ca's root as the holder's own trust anchor, and the CA the app
    talks to."""
    trust = os.path.join(scratch, 'data', 'teken', 'trust')
    os.makedirs(trust)
    shutil.copy(ca.root, os.path.join(trust, 'teken-ca-root.pem'))
    return dict(ca.env(), XDG_DATA_HOME=os.path.join(scratch, 'data'))


def pdfsig(ca, scratch, path):
    """pdfsig's report with teken-ca's root in an NSS database."""
    nss = os.path.join(scratch, 'nss')
    if not os.path.isdir(nss):
        os.makedirs(nss)
        subprocess.run(['certutil', '-N', '-d', 'sql:' + nss, '--empty-password'], check=True)
        subprocess.run(['certutil', '-A', '-d', 'sql:' + nss, '-n', 'teken-ca root', '-t', 'CT,C,C',
                        '-i', ca.root], check=True)
    result = subprocess.run(['pdfsig', '-nssdir', 'sql:' + nss, path], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def vfychain(scratch, path):
    """NSS's own chain check (PKIX, e-mail signer usage) of the signature in
    @path, trusting only teken-ca's root: pdfsig 22.12 cannot say "Trusted"
    for teken-ca's certificates (docs/testing.md)."""
    nss = 'sql:' + os.path.join(scratch, 'nss')
    # -dump writes NAME.sig0 into the working directory.
    subprocess.run(['pdfsig', '-nssdir', nss, '-nocert', '-dump', path], check=True, capture_output=True,
                   cwd=os.path.dirname(path))
    pems = subprocess.run(['openssl', 'pkcs7', '-inform', 'DER', '-in', path + '.sig0', '-print_certs'],
                          check=True, capture_output=True, text=True).stdout
    ders = []
    for number, pem in enumerate(re.findall(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----', pems, re.S)):
        der = os.path.join(scratch, 'cert%d.der' % number)
        subprocess.run(['openssl', 'x509', '-outform', 'DER', '-out', der], input=pem, text=True, check=True)
        subject = subprocess.run(['openssl', 'x509', '-noout', '-subject'], input=pem, text=True,
                                 capture_output=True, check=True).stdout
        # The signer's certificate first.
        ders.insert(0 if 'BUDI' in subject else len(ders), der)
    result = subprocess.run(['vfychain', '-d', nss, '-pp', '-u', '4', *ders], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_sign_with_bsre_certificate():
    ca = Ca()
    scratch = tempfile.mkdtemp(prefix='teken-e2e-signing-')
    try:
        source = os.path.join(scratch, 'surat.pdf')
        make_pdf(source)
        with open(source, 'rb') as f:
            original = f.read()
        app = App(source, env=trusting_env(ca, scratch))
        try:
            window = app.window('surat.pdf')
            find_label_containing(window, 'Not signed')
            screenshot('surat.pdf', 'e2e-signing-document')

            # Where: a preset, as a keyboard user would.
            press(window, 'Sign…')
            find_label_containing(window, 'Where should the signature go?')
            press(window, 'Place')
            click(wait_for(lambda: window.findChild(lambda n: n.name == 'Last Page, Bottom Right' and 'click' in n.actions,
                                                    retry=False, requireResult=False)
                           or app.node.findChild(lambda n: n.name == 'Last Page, Bottom Right' and 'click' in n.actions,
                                                 retry=False, requireResult=False),
                           'the preset'))

            # Who: not signed in yet; Sign In… opens My Certificate.
            dialog = app.window(DIALOG)
            press(dialog, 'My BSrE Certificate')
            find_label_containing(dialog, 'Sign in to My Certificate to sign with your BSrE certificate')
            screenshot(DIALOG, 'e2e-signing-signed-out')
            press(dialog, 'Sign In to My Certificate')
            account = app.window('My Certificate')
            sign_in(account, BUDI, 'e2e-signing-sign-in')
            enter_code(account, BUDI['totp'])

            # The dialog follows the sign-in.
            find(dialog, 'label', 'BUDI SANTOSO CONTOH')
            find(dialog, 'label', 'Active (ISSUE)')
            screenshot(DIALOG, 'e2e-signing-certificate')
            press(dialog, 'Continue')

            # Details: acting as Plh.
            find(dialog, 'label', 'Confirm with Your Passphrase')
            press(dialog, 'Plh. (Pelaksana Harian)')
            type_into(dialog, 'Position (jabatan)', 'Kepala Dinas Kominfo')
            type_into(dialog, 'Reason', 'Persetujuan')
            type_into(dialog, 'Location', 'Kota Contoh')
            time.sleep(1)  # the preview follows a pause in typing
            screenshot(DIALOG, 'e2e-signing-details')

            # A wrong passphrase: the CA counts it; nothing is saved.
            type_into(dialog, 'Passphrase', 'Salah-Frasa9!')
            press(dialog, 'Sign')
            find_label_containing(dialog, 'tries left before your signing key is locked')
            screenshot(DIALOG, 'e2e-signing-wrong-passphrase')
            assert not os.path.exists(os.path.join(scratch, 'surat_signed.pdf'))

            type_into(dialog, 'Passphrase', BUDI['passphrase'])
            press(dialog, 'Sign')

            # The signed copy, beside the original, in the window, verified.
            window = app.window('surat_signed.pdf')
            find_label_containing(window, 'Signed and unchanged')
            find_label_containing(window, 'Signed by BUDI SANTOSO CONTOH')
            screenshot('surat_signed.pdf', 'e2e-signing-done')
        finally:
            app.quit()

        output = os.path.join(scratch, 'surat_signed.pdf')
        with open(source, 'rb') as f:
            assert f.read() == original, 'the original changed'
        report = pdfsig(ca, scratch, output)
        sys.stderr.write(report)
        for line in report.splitlines():
            tap('# pdfsig: ' + line.strip())
        assert 'Signature Validation: Signature is Valid.' in report, report
        assert re.search(r'Signer Certificate Common Name: BUDI SANTOSO CONTOH', report), report
        assert 'Total document signed' in report, report
        chain = vfychain(scratch, output)
        assert 'Chain is good!' in chain, chain
        check = subprocess.run(['qpdf', '--check', output], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        ca.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def test_indonesian():
    """The sign dialog's pages in Indonesian, up to the passphrase: each
    looked for by its translated words."""
    ca = Ca()
    scratch = tempfile.mkdtemp(prefix='teken-e2e-signing-id-')
    try:
        source = os.path.join(scratch, 'surat.pdf')
        make_pdf(source)
        app = App(source, language='id', env=trusting_env(ca, scratch))
        try:
            window = app.window('surat.pdf')
            press(window, 'Sign…')
            find_label_containing(window, 'Where should the signature go?')
            press(window, 'Place')
            preset = tr('Last Page, Bottom Right')
            click(wait_for(lambda: app.node.findChild(lambda n: n.name == preset and 'click' in n.actions,
                                                      retry=False, requireResult=False),
                           'the preset'))
            dialog = app.window(DIALOG)
            find(dialog, 'label', 'Sign With')
            press(dialog, 'My BSrE Certificate')
            find_label_containing(dialog, 'Sign in to My Certificate to sign with your BSrE certificate. '
                                          'This window updates when you have signed in.')
            screenshot(DIALOG, 'e2e-signing-signed-out-id')
            press(dialog, 'Sign In to My Certificate')
            account = app.window('My Certificate')
            sign_in(account, BUDI)
            enter_code(account, BUDI['totp'])
            find(dialog, 'label', 'BUDI SANTOSO CONTOH')
            screenshot(DIALOG, 'e2e-signing-certificate-id')
            press(dialog, 'Continue')
            find(dialog, 'label', 'Confirm with Your Passphrase')
            press(dialog, 'Plh. (Pelaksana Harian)')
            type_into(dialog, 'Position (jabatan)', 'Kepala Dinas Kominfo')
            time.sleep(1)  # the preview follows a pause in typing
            screenshot(DIALOG, 'e2e-signing-details-id')
        finally:
            app.quit()
    finally:
        ca.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(run_tests([
        test_sign_with_bsre_certificate,
        test_indonesian,
    ]))
