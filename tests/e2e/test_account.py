#!/usr/bin/python3
# My Certificate as a holder meets it: the installed app against a real
# teken-ca on loopback. Sign-in with the authenticator set up from the code
# shown (the test computes TOTP codes from the key on screen, and reads the
# QR code back with zbarimg), devices, sign-out and a kept session; then
# the lifecycle: change and reset the passphrase, update the position and
# confirm it from the e-mailed link, revoke — and each time `teken sign
# --server`, with the session the app keeps in the keyring, signs or is
# refused. A screenshot of each page.

import atexit
import base64
import hashlib
import hmac
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import teken_e2e  # noqa: E402
from teken_e2e import App, click, find, find_button, find_label_containing, press, run_tests, type_into  # noqa: E402
from teken_e2e import wait_for, wait_page  # noqa: E402
from teken_e2e import screenshot as take_screenshot  # noqa: E402

SEED = os.environ['TEKEN_CA_SEED']
TEKEN = os.environ['TEKEN_INSTALLED_BIN']
SCREENSHOTS = os.environ['TEKEN_SCREENSHOT_DIR']
WINDOW = 'My Certificate'

# The default seed's holder, with his authenticator (docs/api.md §13).
BUDI = {'nik': '9971010101900001', 'email': 'budi.santoso@pns.kotacontoh.go.id', 'password': 'Sandi-Demo1!',
        'passphrase': 'Frasa-Demo2!', 'totp': 'GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF'}
# A holder of this test's seed without one: the first sign-in sets it up.
SITI = {'nik': '9971014506880002', 'email': 'siti.rahayu@pns.kotacontoh.go.id', 'password': 'Sandi-Siti3!',
        'passphrase': 'Frasa-Siti4!'}


def screenshot(window_title, name, ours=True):
    # Let GTK draw what AT-SPI already reports before the picture is taken.
    time.sleep(0.5)
    return take_screenshot(window_title, name, ours)


def account_seed():
    """The default seed's registries and agreements, with Budi (who has his
    authenticator) and Siti (who has none yet) as holders."""
    if not SEED_DIR:
        SEED_DIR.append(tempfile.mkdtemp(prefix='teken-e2e-account-seed-'))
        atexit.register(shutil.rmtree, SEED_DIR[0], True)
    directory = SEED_DIR[0]
    seed = os.path.join(directory, 'seed.ini')
    if os.path.exists(seed):
        return seed
    base = os.path.dirname(SEED)
    with open(os.path.join(directory, 'holders.csv'), 'w') as f:
        f.write('nik,email,nip,unit,position,city,province,title_prefix,title_suffix,phone,password,passphrase,'
                'totp_secret,device_name\n')
        f.write('{nik},{email},199001012015031001,,,,,,S.Kom.,081234567890,{password},{passphrase},{totp},'
                'Ponsel demo\n'.format(**BUDI))
        f.write('{nik},{email},198806052023212001,,,,,,,081234567891,{password},{passphrase},,\n'.format(**SITI))
    with open(seed, 'w') as f:
        f.write('[seed]\npopulation={0}/population.csv\npersonnel={0}/personnel.csv\n'
                'agencies={0}/agencies.csv\nholders=holders.csv\n\n'
                '[agreement privacy_policy]\nversion=2026.1\ntitle=Kebijakan Privasi\n'
                'file={0}/agreements/privacy-policy.id.md\nfile_en={0}/agreements/privacy-policy.en.md\n\n'
                '[agreement holder_agreement]\nversion=2026.1\ntitle=Perjanjian Pemilik Sertifikat Elektronik\n'
                'file={0}/agreements/holder-agreement.id.md\nfile_en={0}/agreements/holder-agreement.en.md\n'
                .format(base))
    return seed


SEED_DIR = []


class Ca(teken_e2e.Ca):
    """A teken-ca for one test, seeded with Budi and Siti."""

    def __init__(self, *serve_args, log=False):
        super().__init__(*serve_args, seed=account_seed(), log=log)
        # A code is used once per CA: a fresh CA takes the current one again.
        last_steps.clear()


# RFC 6238, as an authenticator app computes it. A code is accepted once:
# the next one waits for the next 30-second step.
last_steps = {}


def totp(secret):
    key = base64.b32decode(secret.replace(' ', '') + '=' * (-len(secret.replace(' ', '')) % 8))
    step = int(time.time()) // 30
    while step <= last_steps.get(secret, -1):
        time.sleep(1)
        step = int(time.time()) // 30
    # A code in its last seconds may expire on the way.
    if 30 - int(time.time()) % 30 < 3:
        time.sleep(3)
        step = int(time.time()) // 30
    last_steps[secret] = step
    digest = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0f
    return '%06d' % ((struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7fffffff) % 1000000)


def label_texts(node):
    return [n.name for n in node.findChildren(lambda n: n.roleName == 'label', recursive=True)]


def shown_key(page):
    """The authenticator key as the set-up page shows it, in groups of four."""
    return wait_for(lambda: next((t for t in label_texts(page)
                                  if re.fullmatch(r'[A-Z2-7]{4}( [A-Z2-7]{1,4})+', t)), None),
                    'the key on the page')


def start(ca, language='en'):
    os.environ.update(ca.env())
    app = App(language=language)
    app.window('Teken')
    # The start page offers the job once the app has it.
    find(app.node, 'label', 'My Certificate')
    app.run_again('teken://certificate')
    return app, app.window(WINDOW)


def sign_in(window, holder, shot=None):
    page = wait_page(window, 'Sign in to My Certificate')
    type_into(page, 'NIK or official e-mail', holder['email'])
    type_into(page, 'Password', holder['password'])
    if shot:
        screenshot(WINDOW, shot)
    press(page, 'Sign In')


def enter_code(window, secret, shot=None):
    page = wait_page(window, 'Enter your code')
    type_into(page, 'Code from the app', totp(secret))
    if shot:
        screenshot(WINDOW, shot)
    press(page, 'Sign In')
    return wait_page(window, 'Your certificate')


def teken_sign(ca, holder, passphrase):
    """`teken sign --server` with the session the app keeps in the keyring;
    returns (exit status, what it printed)."""
    work = tempfile.mkdtemp(prefix='teken-e2e-sign-')
    try:
        source = os.path.join(work, 'surat.pdf')
        make_pdf(source)
        output = os.path.join(work, 'surat-signed.pdf')
        result = subprocess.run([TEKEN, 'sign', '--server', ca.url, '--ca-file', ca.root, '--nik', holder['nik'],
                                 '--passphrase-file', '-', '-o', output, source],
                                input=passphrase, capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, LANGUAGE='en', LANG='C.UTF-8', LC_ALL='C.UTF-8'))
        if result.returncode == 0:
            assert os.path.getsize(output) > os.path.getsize(source)
        return result.returncode, result.stdout + result.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def make_pdf(path):
    import cairo
    surface = cairo.PDFSurface(path, 595, 842)
    context = cairo.Context(surface)
    context.move_to(72, 100)
    context.set_font_size(14)
    context.show_text('Surat Keputusan')
    surface.finish()


def test_first_sign_in_sets_up_the_authenticator():
    ca = Ca()
    try:
        app, window = start(ca)
        try:
            sign_in(window, SITI, 'e2e-account-sign-in')

            # No device yet: the key as a QR code and as text.
            page = wait_page(window, 'Set up your authenticator')
            key = shown_key(page)
            path = screenshot(WINDOW, 'e2e-account-totp-setup')
            scanned = subprocess.run(['zbarimg', '--quiet', '--raw', path], capture_output=True, text=True).stdout
            assert 'secret=' + key.replace(' ', '') in scanned, 'the QR code does not hold the key shown'
            assert scanned.startswith('otpauth://totp/'), scanned
            type_into(page, 'Device name, such as Office phone', 'Ponsel kantor')
            type_into(page, 'Code shown in the app', totp(key))
            press(page, 'Finish Sign-In')

            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active')
            find(page, 'label', 'BSrE status: ISSUE')
            find_label_containing(page, 'What to do next:')
            screenshot(WINDOW, 'e2e-account-dashboard')

            # The only device cannot be removed; a second one can.
            press(page, 'Manage Authenticator Devices')
            page = wait_page(window, 'Authenticator devices')
            assert not find_button(page, 'Remove Ponsel kantor').sensitive
            find_label_containing(page, 'This is your only device')
            screenshot(WINDOW, 'e2e-account-devices-one')
            press(page, 'Add Device')
            page = wait_page(window, 'Add a device')
            type_into(page, 'Account password', SITI['password'])
            screenshot(WINDOW, 'e2e-account-device-password')
            press(page, 'Continue')
            page = wait_page(window, 'Set up the new device')
            tablet_key = shown_key(page)
            type_into(page, 'Device name, such as Office phone', 'Tablet')
            type_into(page, 'Code shown in the app', totp(tablet_key))
            screenshot(WINDOW, 'e2e-account-device-setup')
            press(page, 'Add Device')
            page = wait_page(window, 'Authenticator devices')
            find(page, 'label', 'Tablet')
            press(page, 'Rename Tablet')
            dialog = app.window('Rename the Device')
            type_into(dialog, 'New name', 'Tablet rumah')
            screenshot('Rename the Device', 'e2e-account-device-rename')
            press(dialog, 'Rename')
            find(page, 'label', 'Tablet rumah')
            screenshot(WINDOW, 'e2e-account-devices-two')
            press(page, 'Remove Tablet rumah')
            dialog = app.window('Remove “Tablet rumah”?')
            press(dialog, 'Remove')
            wait_for(lambda: page.findChild(lambda n: n.roleName == 'label' and n.name == 'Tablet rumah',
                                            retry=False, requireResult=False) is None, 'the tablet to go')

            # Sign out, then in again: now a code from the device chosen.
            press(window, 'Sign Out')
            page = wait_page(window, 'Sign in to My Certificate')
            find_label_containing(page, 'You are signed out')
            sign_in(window, SITI)
            page = wait_page(window, 'Enter your code')
            find_button(page, 'Choose Ponsel kantor')
            enter_code(window, key, 'e2e-account-totp')
        finally:
            app.quit()

        # The session outlives the app: the keyring has it.
        app, window = start(ca)
        try:
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active')
        finally:
            app.quit()
    finally:
        ca.stop()


def sign_in_budi(ca):
    app, window = start(ca)
    sign_in(window, BUDI)
    page = enter_code(window, BUDI['totp'])
    find(page, 'label', 'Active')
    return app, window, page


def read_agreement(app, page):
    click(find_button(page, 'Read the Certificate Holder Agreement'))
    document = app.window('Perjanjian Pemilik Sertifikat Elektronik')
    find(document, 'text', 'Perjanjian Pemilik Sertifikat Elektronik')
    click(find_button(document, 'Close'))
    find_label_containing(page, 'read. Pressing the button below')


def test_change_passphrase():
    ca = Ca()
    try:
        app, window, page = sign_in_budi(ca)
        try:
            press(page, 'Change the Passphrase')
            page = wait_page(window, 'Change the passphrase')
            screenshot(WINDOW, 'e2e-account-change-request')
            requested = time.time() - 1
            press(page, 'Send Link')
            page = wait_page(window, 'Check your e-mail')
            find_label_containing(page, 'We sent a link to ' + BUDI['email'])
            screenshot(WINDOW, 'e2e-account-check-email')
            app.run_again(ca.link(BUDI['email'], 'change_passphrase', requested))

            page = wait_page(window, 'Change your passphrase')
            type_into(page, 'Current passphrase', BUDI['passphrase'])
            type_into(page, 'New passphrase', 'Frasa-Baru3!')
            type_into(page, 'New passphrase again', 'Frasa-Baru3!')
            # Not before the agreement is read.
            assert not find_button(page, 'Accept and Change Passphrase').sensitive
            read_agreement(app, page)
            screenshot(WINDOW, 'e2e-account-change-passphrase')
            press(page, 'Accept and Change Passphrase')
            page = wait_page(window, 'Passphrase changed')
            screenshot(WINDOW, 'e2e-account-passphrase-changed')

            status, output = teken_sign(ca, BUDI, 'Frasa-Baru3!')
            assert status == 0, output
            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status != 0 and 'Wrong passphrase' in output, output
        finally:
            app.quit()
    finally:
        ca.stop()


def test_reset_passphrase():
    ca = Ca()
    try:
        app, window, page = sign_in_budi(ca)
        try:
            serial = find(page, 'label', 'Serial number')  # the row is there
            before = [t for t in label_texts(page) if re.fullmatch(r'[0-9A-F]{16,40}', t)]
            press(page, 'Reset the Passphrase')
            page = wait_page(window, 'Reset a forgotten passphrase')
            find_label_containing(page, 'a new key and a new certificate')
            screenshot(WINDOW, 'e2e-account-reset-request')
            requested = time.time() - 1
            press(page, 'Send Link')
            app.run_again(ca.link(BUDI['email'], 'reset_passphrase', requested))

            page = wait_page(window, 'Choose a new passphrase')
            type_into(page, 'New passphrase', 'Frasa-Lain4!')
            type_into(page, 'New passphrase again', 'Frasa-Lain4!')
            read_agreement(app, page)
            screenshot(WINDOW, 'e2e-account-reset-passphrase')
            press(page, 'Accept and Issue a New Certificate')
            page = wait_page(window, 'New certificate issued')
            screenshot(WINDOW, 'e2e-account-reset-issued')
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active')
            after = [t for t in label_texts(page) if re.fullmatch(r'[0-9A-F]{16,40}', t)]
            assert serial and before and after and before[0] != after[0], (before, after)

            status, output = teken_sign(ca, BUDI, 'Frasa-Lain4!')
            assert status == 0, output
        finally:
            app.quit()
    finally:
        ca.stop()


def test_update_position_and_confirm():
    ca = Ca()
    try:
        app, window, page = sign_in_budi(ca)
        try:
            press(page, 'Update Your Data')
            page = wait_page(window, 'Update your data')
            # Name and e-mail are in the active certificate: locked.
            assert not find(page, 'text', 'Full name, as on your KTP').sensitive
            find_label_containing(page, 'can change only after the certificate is revoked')
            type_into(page, 'Position', 'Pranata Komputer Ahli Muda')
            screenshot(WINDOW, 'e2e-account-update')
            requested = time.time() - 1
            press(page, 'Send Changes')
            dialog = app.window('Send These Changes?')
            find_label_containing(dialog, 'Position: Pranata Komputer Ahli Pertama → Pranata Komputer Ahli Muda')
            screenshot('Send These Changes?', 'e2e-account-update-confirm')
            press(dialog, 'Send Changes')

            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active, signing paused')
            find(page, 'label', 'Data change waiting for confirmation')
            screenshot(WINDOW, 'e2e-account-update-pending')
            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status != 0 and 'not confirmed' in output, output

            app.run_again(ca.link(BUDI['email'], 'confirm_update', requested))
            page = wait_page(window, 'Confirm the data change')
            find_label_containing(page, 'Pranata Komputer Ahli Muda')
            screenshot(WINDOW, 'e2e-account-confirm-update')
            press(page, 'Confirm Change')
            page = wait_page(window, 'Data change confirmed')
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active')
            find(page, 'label', 'Pranata Komputer Ahli Muda')
            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status == 0, output

            # A second change, cancelled: nothing applies, signing is back.
            press(page, 'Update Your Data')
            page = wait_page(window, 'Update your data')
            type_into(page, 'Unit', 'Sekretariat Daerah')
            press(page, 'Send Changes')
            press(app.window('Send These Changes?'), 'Send Changes')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Active, signing paused')
            press(page, 'Cancel the Data Change')
            dialog = app.window('Cancel the Data Change?')
            screenshot('Cancel the Data Change?', 'e2e-account-cancel-update')
            press(dialog, 'Cancel the Change')
            wait_for(lambda: find(page, 'label', 'Active'), 'the change to be cancelled')
            find(page, 'label', 'Dinas Komunikasi dan Informatika')
            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status == 0, output
        finally:
            app.quit()
    finally:
        ca.stop()


def test_revoke():
    ca = Ca()
    try:
        app, window, page = sign_in_budi(ca)
        try:
            press(page, 'Revoke the Certificate')
            page = wait_page(window, 'Revoke your certificate')
            find_label_containing(page, 'Revoking is final')
            press(page, 'Choose The passphrase or key is known to someone else')
            type_into(page, 'Type CABUT to confirm', 'CABUX')
            type_into(page, 'Account password', BUDI['password'])
            assert not find_button(page, 'Revoke Certificate').sensitive
            type_into(page, 'Type CABUT to confirm', 'cabut')
            screenshot(WINDOW, 'e2e-account-revoke')
            press(page, 'Revoke Certificate')
            page = wait_page(window, 'Certificate revoked')
            screenshot(WINDOW, 'e2e-account-revoked')
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Revoked')
            find(page, 'label', 'BSrE status: REVOKE')
            find_button(page, 'Ask for a New Certificate')
            screenshot(WINDOW, 'e2e-account-dashboard-revoked')

            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status != 0 and 'not active (status REVOKE)' in output, output

            # A new certificate goes through the agency's verifier.
            press(page, 'Ask for a New Certificate')
            page = wait_page(window, 'Ask for a new certificate')
            read_agreement(app, page)
            screenshot(WINDOW, 'e2e-account-reissue')
            press(page, 'Accept and Ask for a New Certificate')
            page = wait_page(window, 'New certificate requested')
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Being verified')
            screenshot(WINDOW, 'e2e-account-dashboard-reissue-requested')
        finally:
            app.quit()
    finally:
        ca.stop()


def test_renew_both_ways():
    # Every certificate is in its renewal window, and new ones last 25 s.
    ca = Ca('--renewal-window', '1000000000', '--cert-validity', '25', '--sweep-interval', '1')
    try:
        app, window, page = sign_in_budi(ca)
        try:
            find_label_containing(page, 'Renewal is open')
            press(page, 'Renew the Certificate')
            page = wait_page(window, 'Renew your certificate')
            # Active: only the re-key; the verifier's way is for expired ones.
            assert not find_button(page, 'Choose Renew through your agency\'s verifier').sensitive
            press(page, 'Choose Renew now with a new key')
            type_into(page, 'Your passphrase', BUDI['passphrase'])
            read_agreement(app, page)
            screenshot(WINDOW, 'e2e-account-renew-rekey')
            press(page, 'Accept and Renew')
            renewed = time.monotonic()
            page = wait_page(window, 'Certificate renewed')
            screenshot(WINDOW, 'e2e-account-renewed')
            status, output = teken_sign(ca, BUDI, BUDI['passphrase'])
            assert status == 0, output

            # The new certificate expires; then the verifier's way.
            time.sleep(max(0, renewed + 35 - time.monotonic()))
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Expired')
            screenshot(WINDOW, 'e2e-account-dashboard-expired')
            press(page, 'Renew the Certificate')
            page = wait_page(window, 'Renew your certificate')
            assert not find_button(page, 'Choose Renew now with a new key').sensitive
            press(page, 'Choose Renew through your agency\'s verifier')
            screenshot(WINDOW, 'e2e-account-renew-verifier')
            press(page, 'Accept and Renew')
            page = wait_page(window, 'Renewal requested')
            press(page, 'Back to My Certificate')
            page = wait_page(window, 'Your certificate')
            find(page, 'label', 'Renewal requested')
        finally:
            app.quit()
    finally:
        ca.stop()


def test_download():
    ca = Ca()
    folder = tempfile.mkdtemp(prefix='teken-e2e-download-')
    try:
        app, window, page = sign_in_budi(ca)
        try:
            for button, title, name, marker in (
                    ('Download the Certificate', 'Save the Certificate', 'budi.pem', 1),
                    ('Download the Certificate Chain', 'Save the Certificate Chain', 'budi-chain.pem', 3)):
                press(page, button)
                # GTK 4.8's file chooser dialog is a 'filler' to AT-SPI.
                chooser = wait_for(lambda: app.node.findChild(lambda n: n.name == title, retry=False,
                                                              recursive=False, requireResult=False), title)
                type_into(chooser, 'Name:', os.path.join(folder, name))
                screenshot(title, 'e2e-account-' + name.replace('.', '-'), ours=False)
                press(chooser, 'Save')
                path = os.path.join(folder, name)
                wait_for(lambda: os.path.exists(path) and open(path).read().count('-----END CERTIFICATE-----') == marker,
                         name + ' saved')
                find_label_containing(window, 'Saved as ' + name)
            pem = open(os.path.join(folder, 'budi.pem')).read()
            subject = subprocess.run(['openssl', 'x509', '-noout', '-subject'], input=pem, capture_output=True,
                                     text=True, check=True).stdout
            assert 'BUDI SANTOSO CONTOH' in subject, subject
        finally:
            app.quit()
    finally:
        ca.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_forgotten_password():
    ca = Ca('--resend-interval', '0')
    try:
        app, window = start(ca)
        try:
            page = wait_page(window, 'Sign in to My Certificate')
            press(page, 'Forgot Password?')
            page = wait_page(window, 'Forgotten password')
            type_into(page, 'NIK or official e-mail', BUDI['email'])
            screenshot(WINDOW, 'e2e-account-forgot-password')
            requested = time.time() - 1
            press(page, 'Send Link')
            wait_page(window, 'Check your e-mail')
            app.run_again(ca.link(BUDI['email'], 'reset_password', requested))
            page = wait_page(window, 'Choose a new password')
            type_into(page, 'New password', 'Sandi-Baru5!')
            type_into(page, 'New password again', 'Sandi-Baru5!')
            screenshot(WINDOW, 'e2e-account-new-password')
            press(page, 'Save Password')
            page = wait_page(window, 'Sign in to My Certificate')
            find_label_containing(page, 'Your password is changed')

            # The devices went with the old password: set one up again.
            sign_in(window, dict(BUDI, password='Sandi-Baru5!'))
            page = wait_page(window, 'Set up your authenticator')
            key = shown_key(page)
            assert key.replace(' ', '') != BUDI['totp']
            type_into(page, 'Device name, such as Office phone', 'Ponsel baru')
            type_into(page, 'Code shown in the app', totp(key))
            press(page, 'Finish Sign-In')
            wait_page(window, 'Your certificate')
        finally:
            app.quit()
    finally:
        ca.stop()


def test_indonesian():
    """My Certificate in Indonesian: the sign-in, the dashboard and the first
    page of every action, each looked for by its translated words."""
    ca = Ca('--renewal-window', '1000000000')
    try:
        app, window = start(ca, language='id')
        try:
            sign_in(window, BUDI, 'e2e-account-sign-in-id')
            page = enter_code(window, BUDI['totp'], 'e2e-account-code-id')
            find(page, 'label', 'Active')
            screenshot(WINDOW, 'e2e-account-dashboard-id')
            for action, title, shot in (('Change the Passphrase', 'Change the passphrase', 'change-passphrase'),
                                        ('Reset the Passphrase', 'Reset a forgotten passphrase', 'reset-passphrase'),
                                        ('Update Your Data', 'Update your data', 'update'),
                                        ('Renew the Certificate', 'Renew your certificate', 'renew'),
                                        ('Revoke the Certificate', 'Revoke your certificate', 'revoke'),
                                        ('Manage Authenticator Devices', 'Authenticator devices', 'devices')):
                press(page, action)
                wait_page(window, title)
                screenshot(WINDOW, 'e2e-account-%s-id' % shot)
                press(window, 'Back')
                page = wait_page(window, 'Your certificate')
        finally:
            app.quit()
    finally:
        ca.stop()


if __name__ == '__main__':
    sys.exit(run_tests([
        test_first_sign_in_sets_up_the_authenticator,
        test_change_passphrase,
        test_reset_passphrase,
        test_update_position_and_confirm,
        test_revoke,
        test_renew_both_ways,
        test_download,
        test_forgotten_password,
        test_indonesian,
    ]))
