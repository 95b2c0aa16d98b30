#!/usr/bin/python3
# The document view's side parts as a holder uses them: the page
# thumbnails, a password-protected PDF unlocked after a wrong password, and
# a certificate authority imported in Preferences, which turns the open
# document's unknown signer into a trusted one. English and Indonesian.

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import (App, chooser_location_entry, click, find, find_containing, find_label_containing,  # noqa: E402
                       run_tests, screenshot, wait_for)

FIXTURES = os.environ['TEKEN_TEST_FIXTURES']
CORPUS = os.environ['TEKEN_TEST_VERIFY_CORPUS']
PKI = os.environ['TEKEN_TEST_PKI']


def scratch_env(scratch):
    """A holder who trusts only what comes with Teken."""
    return {'XDG_DATA_HOME': scratch}


def password_entry(window, name='Document Password'):
    return find(window, 'text', name)


def open_preferences(app, window, menu='Main Menu', item='Preferences'):
    """Through the document's own main menu (the start page has one too)."""
    view = find(window, 'filler', 'TekenDocumentView')
    click(find(view, 'push button', menu))
    click(find(app.node, 'menu item', item))


def open_location_entry(app, preferences):
    """Import Certificate…, then the chooser's location entry; the chooser
    is opened again before giving up."""
    for attempt in range(3):
        click(find_containing(preferences, 'push button', 'Import Certificate'))
        chooser = app.toplevel('Import Certificate')
        screenshot('Import Certificate', 'e2e-anchor-chooser', ours=False)
        entry = chooser_location_entry(chooser)
        if entry:
            return chooser, entry
        click(find_containing(chooser, 'push button', 'Cancel'))
        wait_for(lambda: all(c.name != 'Import Certificate' for c in app.node.children), 'the chooser to close')
    raise AssertionError('the chooser never took the "/" for its location entry')


def type_into(entry, text):
    entry.queryEditableText().setTextContents(text)
    wait_for(lambda: entry.queryText().characterCount == len(text), 'the text in the entry')


def test_thumbnails():
    app = App(os.path.join(FIXTURES, 'hand-rotate.pdf'))
    try:
        window = app.window('hand-rotate.pdf')
        find_label_containing(window, 'of 5')
        click(find(window, 'push button', 'Show Pages'))
        pages = find(window, 'list', 'Pages')
        wait_for(lambda: len(pages.findChildren(lambda n: n.name.startswith('Page '), recursive=True)) >= 2,
                 'the thumbnails')
        screenshot('hand-rotate.pdf', 'e2e-document-thumbnails')
    finally:
        app.quit()


def test_unlock():
    app = App(os.path.join(FIXTURES, 'qpdf-encrypted-aes256.pdf'))
    try:
        window = app.window('qpdf-encrypted-aes256.pdf')
        find_label_containing(window, 'This Document Is Protected')
        entry = password_entry(window)

        type_into(entry, 'salah')
        click(find_containing(window, 'push button', 'Unlock'))
        find_label_containing(window, 'The password is not right')
        screenshot('qpdf-encrypted-aes256.pdf', 'e2e-document-wrong-password')

        type_into(entry, 'user')
        click(find_containing(window, 'push button', 'Unlock'))
        find_label_containing(window, 'of 1')
        find_label_containing(window, 'Signatures in encrypted documents cannot be checked yet')
        screenshot('qpdf-encrypted-aes256.pdf', 'e2e-document-unlocked')

        click(find_containing(window, 'push button', 'Sign'))
        find_label_containing(app.node, 'Protected Documents Cannot Be Signed')
        screenshot('qpdf-encrypted-aes256.pdf', 'e2e-document-protected-sign-refused')
    finally:
        app.quit()


def test_import_anchor():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(os.path.join(CORPUS, 'ok-teken.pdf'), env=scratch_env(scratch))
        try:
            window = app.window('ok-teken.pdf')
            find_label_containing(window, 'Signed, but the signer cannot be confirmed')
            screenshot('ok-teken.pdf', 'e2e-anchor-unknown-signer')

            open_preferences(app, window)
            preferences = app.window('Preferences')
            click(find(preferences, 'page tab', 'Trust'))
            find_label_containing(preferences, 'Root CA Indonesia DS G1')
            path = os.path.join(PKI, 'root.pem')
            chooser, entry = open_location_entry(app, preferences)
            entry.queryEditableText().setTextContents(path)
            wait_for(lambda: entry.queryText().characterCount == len(path), 'the path in the location entry')
            click(find_containing(chooser, 'push button', 'Import'))

            find_label_containing(app.node, 'Trust “Teken Test Root CA”?')
            screenshot('Preferences', 'e2e-anchor-confirm')
            click(find_containing(app.node, 'push button', '_Trust'))
            find_label_containing(preferences, 'CN=Teken Test Root CA')
            screenshot('Preferences', 'e2e-anchor-imported')

            find_label_containing(window, 'Signed and unchanged')
            screenshot('ok-teken.pdf', 'e2e-anchor-trusted-signer')
        finally:
            app.quit()


def test_indonesian():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(os.path.join(FIXTURES, 'qpdf-encrypted-aes256.pdf'), language='id', env=scratch_env(scratch))
        try:
            window = app.window('qpdf-encrypted-aes256.pdf')
            find_label_containing(window, 'Dokumen Ini Dilindungi')
            entry = password_entry(window, 'Kata Sandi Dokumen')
            type_into(entry, 'user')
            click(find_containing(window, 'push button', 'Buka Kunci'))
            find_label_containing(window, 'dari 1')
            find_label_containing(window, 'Tanda tangan dalam dokumen terenkripsi belum dapat diperiksa')
            screenshot('qpdf-encrypted-aes256.pdf', 'e2e-document-unlocked-id')

            open_preferences(app, window, 'Menu Utama', 'Preferensi')
            preferences = wait_for(lambda: next(w for w in app.node.children if w.name not in (
                'qpdf-encrypted-aes256.pdf', '')), 'the preferences window')
            click(find(preferences, 'page tab', 'Kepercayaan'))
            find_label_containing(preferences, 'Akar Indonesia')
            screenshot(preferences.name, 'e2e-anchor-preferences-id')
        finally:
            app.quit()


if __name__ == '__main__':
    sys.exit(run_tests([
        test_thumbnails,
        test_unlock,
        test_import_anchor,
        test_indonesian,
    ]))
