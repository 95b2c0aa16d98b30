#!/usr/bin/python3
# Documents as a holder opens them: from the command line and the file
# chooser, their pages, a damaged file, and the verdict on a valid, a
# tampered and a forged signed PDF, with the signed version of the tampered
# one, in English and Indonesian.

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import (App, chooser_location_entry, click, find, find_containing, find_label_containing,  # noqa: E402
                       run_tests, screenshot, wait_for)

FIXTURES = os.environ['TEKEN_TEST_FIXTURES']
CORPUS = os.environ['TEKEN_TEST_VERIFY_CORPUS']
PKI = os.environ['TEKEN_TEST_PKI']


def trusting_env(scratch):
    """The test PKI's root and issuing CA as the holder's own anchors."""
    trust = os.path.join(scratch, 'teken', 'trust')
    os.makedirs(trust)
    for name in ('root.pem', 'issuing-ca.pem'):
        shutil.copy(os.path.join(PKI, name), trust)
    return {'XDG_DATA_HOME': scratch}


def corpus(name):
    return os.path.join(CORPUS, name)


def test_open_from_command_line():
    app = App(os.path.join(FIXTURES, 'hand-rotate.pdf'))
    try:
        window = app.window('hand-rotate.pdf')
        find_label_containing(window, 'of 5')
        find(window, 'text', 'Page Number')
        find_label_containing(window, 'Not signed')
        screenshot('hand-rotate.pdf', 'e2e-document')
    finally:
        app.quit()


def test_open_with_chooser():
    app = App()
    try:
        window = app.window('Teken')
        click(find(window, 'push button', 'Open a Document'))
        chooser = app.toplevel('Open a Document')
        # Typing "/" opens the chooser's location entry; the rest of the
        # path goes in through AT-SPI, so that no keystroke is lost while
        # the entry appears (a slow, sanitized build showed it can be).
        path = os.path.join(FIXTURES, 'cairo-a4.pdf')
        entry = chooser_location_entry(chooser)
        assert entry, 'the chooser never took the "/" for its location entry'
        entry.queryEditableText().setTextContents(path)
        wait_for(lambda: entry.queryText().characterCount == len(path), 'the path in the location entry')
        screenshot('Open a Document', 'e2e-open-chooser', ours=False)
        click(find_containing(chooser, 'push button', 'Open'))
        window = app.window('cairo-a4.pdf')
        find_label_containing(window, 'of 2')
        screenshot('cairo-a4.pdf', 'e2e-opened-from-chooser')
    finally:
        app.quit()


def test_damaged_file():
    app = App(os.path.join(FIXTURES, 'bad-not-pdf.pdf'))
    try:
        window = app.window('bad-not-pdf.pdf')
        find_label_containing(window, 'Cannot Open This Document')
        find_label_containing(window, 'damaged or is not a PDF')
        screenshot('bad-not-pdf.pdf', 'e2e-document-damaged')
    finally:
        app.quit()


def test_valid_signature():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(corpus('ok-teken.pdf'), env=trusting_env(scratch))
        try:
            window = app.window('ok-teken.pdf')
            find_label_containing(window, 'Signed and unchanged')
            find_label_containing(window, 'Signed by Budi Santoso.')
            screenshot('ok-teken.pdf', 'e2e-verify-valid')
            click(find_containing(window, 'push button', 'Details'))
            find_label_containing(window, 'Valid: intact, unchanged and trusted')
            screenshot('ok-teken.pdf', 'e2e-verify-valid-details')
        finally:
            app.quit()


def test_tampered_signature():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(corpus('isa-content.pdf'), env=trusting_env(scratch))
        try:
            window = app.window('isa-content.pdf')
            find_label_containing(window, 'Changed after signing')
            find_label_containing(window, 'The content of page 1 was changed after signing.')
            screenshot('isa-content.pdf', 'e2e-verify-modified')

            click(find_containing(window, 'push button', 'View Signed Version'))
            signed = app.window('isa-content.pdf (as signed by Budi Santoso)')
            find_label_containing(signed, 'The document as Budi Santoso signed it')
            screenshot('isa-content.pdf (as signed by Budi Santoso)', 'e2e-verify-signed-version')
        finally:
            app.quit()


def test_forged_signature():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(corpus('usf-contents-other-cms-incremental.pdf'), env=trusting_env(scratch))
        try:
            window = app.window('usf-contents-other-cms-incremental.pdf')
            find_label_containing(window, 'Signature not valid')
            screenshot('usf-contents-other-cms-incremental.pdf', 'e2e-verify-invalid')
        finally:
            app.quit()


def test_indonesian():
    with tempfile.TemporaryDirectory() as scratch:
        app = App(corpus('isa-content.pdf'), language='id', env=trusting_env(scratch))
        try:
            window = app.window('isa-content.pdf')
            find_label_containing(window, 'Diubah setelah ditandatangani')
            find_label_containing(window, 'dari 1')
            find(window, 'text', 'Nomor Halaman')
            screenshot('isa-content.pdf', 'e2e-verify-modified-id')
        finally:
            app.quit()


if __name__ == '__main__':
    sys.exit(run_tests([
        test_open_from_command_line,
        test_open_with_chooser,
        test_damaged_file,
        test_valid_signature,
        test_tampered_signature,
        test_forged_signature,
        test_indonesian,
    ]))
