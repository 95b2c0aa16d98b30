#!/usr/bin/python3
# Enrollment as a new holder meets it: the installed app against a real
# teken-ca on loopback, the e-mailed links followed from the CA's outbox
# through the demo mailbox, every page typed into and clicked through
# AT-SPI, a screenshot of each page.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import App, Ca, click, find, find_button, find_label_containing, press, run_tests, text_length  # noqa: E402
from teken_e2e import tr, type_into, wait_page  # noqa: E402
from teken_e2e import screenshot as take_screenshot  # noqa: E402


def screenshot(window_title, name, ours=True):
    # Let GTK draw what AT-SPI already reports before the picture is taken.
    time.sleep(0.4)
    return take_screenshot(window_title, name, ours)

WIZARD = 'Get a Certificate'


def start(ca, log=None, language='en'):
    os.environ.update(ca.env())
    os.environ['TEKEN_CAMERA_SOURCE'] = 'videotestsrc pattern=smpte is-live=true'
    app = App(log=log, language=language)
    app.window('Teken')
    # The start page offers the job once the app has it.
    find(app.node, 'label', 'Get a Certificate')
    app.run_again('teken://enroll')
    return app, app.window(WIZARD)


def register_and_activate(app, wizard, ca, nik, email, shot_prefix=None):
    page = wait_page(wizard, 'Register for an electronic certificate')
    type_into(page, 'NIK', nik)
    type_into(page, 'Official e-mail', email)
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-register')
    press(page, 'Register')
    page = wait_page(wizard, 'Check your e-mail')
    find_label_containing(page, tr('The link was sent to %s. It works once, for 24 hours.') % email)
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-check-email')

    # The link, as a click in the demo mailbox opens it.
    click(find(page, 'push button', 'Demo Mailbox'))
    mailbox = app.window('Demo Mailbox')
    find(mailbox, 'label', 'Aktivasi akun sertifikat elektronik')
    if shot_prefix:
        screenshot('Demo Mailbox', shot_prefix + '-mailbox')
    click(find(mailbox, 'push button', 'Aktivasi akun sertifikat elektronik'))

    page = wait_page(wizard, 'Choose your account password')
    type_into(page, 'Password', 'Sandi-Baru1!')
    type_into(page, 'Password again', 'Sandi-Baru1!')
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-activate')
    press(page, 'Activate')


def fill_personal(wizard, name, shot=None):
    page = wait_page(wizard, 'Personal data')
    type_into(page, 'Full name', name)
    type_into(page, 'Title after the name', 'S.Kom.')
    type_into(page, 'Mobile number', '0812-3456-7890')
    if shot:
        screenshot(WIZARD, shot)
    press(page, 'Continue')


def take_selfie(wizard, shot_prefix=None):
    page = wait_page(wizard, 'Selfie')
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-selfie')
    press(page, 'Take Photo')
    press(page, 'Use This Photo')
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-selfie-taken')


def accept_agreements(app, wizard, shot_prefix=None):
    page = wait_page(wizard, 'Agreements')
    # Each document opens in a window of its own, to read and close.
    # The Indonesian text is the binding one, so that is what is shown.
    for title, document_title in (('Privacy Policy', 'Kebijakan Privasi'),
                                  ('Certificate Holder Agreement', 'Perjanjian Pemilik Sertifikat Elektronik')):
        click(find_button(page, 'Read the ' + title))
        document = app.window(document_title)
        find(document, 'text', document_title)
        if shot_prefix:
            screenshot(document_title, shot_prefix + '-' + title.lower().replace(' ', '-'))
        click(find_button(document, 'Close'))
    find_label_containing(page, 'Pressing Accept and Submit means you accept both documents.')
    if shot_prefix:
        screenshot(WIZARD, shot_prefix + '-agreements')
    press(page, 'Accept and Submit')


def test_asn_enrollment():
    ca = Ca()
    # Everything the app prints, with every debug message and the HTTP
    # bodies logged: no password, passphrase or link token may be in it.
    log = os.path.join(ca.dir, 'app.log')
    os.environ['G_MESSAGES_DEBUG'] = 'all'
    os.environ['TEKEN_HTTP_LOG'] = 'body'
    try:
        app, wizard = start(ca, log)
        try:
            register_and_activate(app, wizard, ca, '9971014506880002', 'siti.rahayu@asn.kotacontoh.go.id',
                                  'e2e-enroll')
            fill_personal(wizard, 'Siti Rahayu Contoh', 'e2e-enroll-personal')

            # Cek NIP fills the employment data from the personnel registry.
            page = wait_page(wizard, 'Employment data')
            type_into(page, 'NIP', '198806052023212001')
            press(page, 'Cek NIP')
            find_label_containing(page, 'Badan Perencanaan Pembangunan Daerah')
            screenshot(WIZARD, 'e2e-enroll-employment')
            press(page, 'Continue')

            take_selfie(wizard, 'e2e-enroll')
            accept_agreements(app, wizard, 'e2e-enroll')

            # Verified at once: the set-passphrase link comes by e-mail.
            page = wait_page(wizard, 'Verification')
            find(page, 'label', 'Verified: check your e-mail')
            screenshot(WIZARD, 'e2e-enroll-verified')
            app.run_again(ca.link('siti.rahayu@asn.kotacontoh.go.id', 'set_passphrase'))

            page = wait_page(wizard, 'Choose your passphrase')
            # Each policy rule, broken: the button stays off.
            for bad in ('frasa-rahasia7!', 'FRASA-RAHASIA7!', 'Frasa-Rahasia!', 'FrasaRahasia7', 'Frasa Rahasia7!', 'Fr-7a'):
                type_into(page, 'Passphrase', bad)
                type_into(page, 'Passphrase again', bad)
                assert not find_button(page, 'Issue My Certificate').sensitive, bad
            screenshot(WIZARD, 'e2e-enroll-passphrase-policy')
            type_into(page, 'Passphrase', 'Frasa-Rahasia7!')
            type_into(page, 'Passphrase again', 'Frasa-Rahasia7!')
            screenshot(WIZARD, 'e2e-enroll-passphrase')
            press(page, 'Issue My Certificate')

            page = wait_page(wizard, 'Certificate issued')
            find(page, 'label', 'SITI RAHAYU CONTOH')
            screenshot(WIZARD, 'e2e-enroll-issued')
        finally:
            app.quit()
        printed = open(log, encoding='utf-8', errors='replace').read()
        assert 'enrollment/passphrase' in printed, 'the HTTP log is missing'
        tokens = [ca.link('siti.rahayu@asn.kotacontoh.go.id', p).split('token=')[1]
                  for p in ('activation', 'set_passphrase')]
        for secret in ['Sandi-Baru1!', 'Frasa-Rahasia7!', *tokens]:
            assert secret not in printed, 'the app printed a secret'
    finally:
        del os.environ['G_MESSAGES_DEBUG']
        del os.environ['TEKEN_HTTP_LOG']
        ca.stop()


def test_non_asn_enrollment_in_indonesian():
    """A non-ASN holder's whole enrollment, in Indonesian: every page is
    looked for by its translated words and photographed."""
    ca = Ca()
    email = 'agus.pratama@pns.kotacontoh.go.id'
    try:
        app, wizard = start(ca, language='id')
        try:
            register_and_activate(app, wizard, ca, '9971011203950003', email, 'e2e-enroll-id')
            fill_personal(wizard, 'Agus Pratama Contoh', 'e2e-enroll-id-personal')
            page = wait_page(wizard, 'Employment data')
            press(page, 'I am not an ASN')
            type_into(page, 'Unit', 'Bagian/Umum')
            find_label_containing(page, 'Letters, digits and single spaces, 2 to 100 characters each.')
            assert not find_button(page, 'Continue').sensitive
            type_into(page, 'Unit', 'Bagian Umum')
            type_into(page, 'Position', 'Tenaga Administrasi')
            type_into(page, 'City or regency', 'Kota Contoh')
            type_into(page, 'Province', 'Jawa Timur')
            screenshot(WIZARD, 'e2e-enroll-id-non-asn')
            press(page, 'Continue')
            take_selfie(wizard, 'e2e-enroll-id')
            accept_agreements(app, wizard, 'e2e-enroll-id')
            page = wait_page(wizard, 'Verification')
            find(page, 'label', 'Verified: check your e-mail')
            screenshot(WIZARD, 'e2e-enroll-id-verified')
            app.run_again(ca.link(email, 'set_passphrase'))
            page = wait_page(wizard, 'Choose your passphrase')
            type_into(page, 'Passphrase', 'Frasa-Rahasia7!')
            type_into(page, 'Passphrase again', 'Frasa-Rahasia7!')
            screenshot(WIZARD, 'e2e-enroll-id-passphrase')
            press(page, 'Issue My Certificate')
            page = wait_page(wizard, 'Certificate issued')
            find(page, 'label', 'AGUS PRATAMA CONTOH')
            screenshot(WIZARD, 'e2e-enroll-id-issued')
        finally:
            app.quit()
    finally:
        ca.stop()


def test_selfie_refused():
    ca = Ca()
    try:
        app, wizard = start(ca)
        try:
            # The population registry finds no face in Nina's photos.
            register_and_activate(app, wizard, ca, '9971015511990006', 'nina.kartika@pns.kotacontoh.go.id')
            fill_personal(wizard, 'Nina Kartika Contoh')
            page = wait_page(wizard, 'Employment data')
            type_into(page, 'NIP', '199911152024012006')
            press(page, 'Cek NIP')
            find_label_containing(page, 'Dinas Kesehatan')
            press(page, 'Continue')
            take_selfie(wizard)
            page = wait_page(wizard, 'Selfie')
            find_label_containing(page, 'No face was found')
            screenshot(WIZARD, 'e2e-enroll-selfie-refused')
        finally:
            app.quit()
    finally:
        ca.stop()


def test_register_refusals():
    ca = Ca()
    try:
        app, wizard = start(ca)
        try:
            page = wait_page(wizard, 'Register for an electronic certificate')
            type_into(page, 'NIK', '9971014506880002')
            type_into(page, 'Official e-mail', 'siti@gmail.com')
            press(page, 'Register')
            find_label_containing(page, 'official e-mail')
            screenshot(WIZARD, 'e2e-enroll-register-refused')
            # Nothing typed is lost.
            assert text_length(find(page, 'text', 'NIK')) == 16
        finally:
            app.quit()
    finally:
        ca.stop()


def test_expired_activation_link():
    ca = Ca('--link-lifetime', '2', '--resend-interval', '0')
    try:
        app, wizard = start(ca)
        try:
            page = wait_page(wizard, 'Register for an electronic certificate')
            type_into(page, 'NIK', '9971011203950003')
            type_into(page, 'Official e-mail', 'agus.pratama@pns.kotacontoh.go.id')
            press(page, 'Register')
            link = ca.link('agus.pratama@pns.kotacontoh.go.id', 'activation')
            time.sleep(3)
            page = wait_page(wizard, 'Check your e-mail')
            type_into(page, 'Link from the e-mail', link)
            press(page, 'Continue')
            find_label_containing(page, 'expired')
            screenshot(WIZARD, 'e2e-enroll-link-expired')
            press(page, 'Send Again')
            find_label_containing(page, 'A new link is on its way')
        finally:
            app.quit()
    finally:
        ca.stop()


if __name__ == '__main__':
    sys.exit(run_tests([
        test_register_refusals,
        test_asn_enrollment,
        test_non_asn_enrollment_in_indonesian,
        test_selfie_refused,
        test_expired_activation_link,
    ]))
