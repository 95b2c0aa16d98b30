#!/usr/bin/python3
# Signing with the keyboard alone (issue 8): Budi signs a PDF at a real
# teken-ca, and every input after the launch is a key press or typed text
# sent through XTest (dogtail.rawinput), as in test_keyboard.py. AT-SPI only
# reads: which widget has the focus after each Tab (so the focus order is
# checked against the reading order of the header bar, the placement bar
# and each page of the sign dialog) and what the windows show. Escape
# closes the Place menu, ends placing and closes the dialog; Enter in a
# field presses the page's main button. The signed copy is checked with
# pdfsig, vfychain and qpdf, as in test_signing.py.

import os
import shutil
import subprocess
import sys
import tempfile
import time

import pyatspi

sys.path.insert(0, os.path.dirname(__file__))
from dogtail import rawinput  # noqa: E402
from teken_e2e import App, find, find_label_containing, run_tests, tap, wait_for, window_geometry  # noqa: E402
from teken_e2e import screenshot as take_screenshot  # noqa: E402
from test_account import BUDI, Ca, make_pdf, totp, wait_page  # noqa: E402
from test_keyboard import expect_focus, key, names_match, shift_tab, tab, type_text  # noqa: E402
from test_signing import pdfsig, trusting_env, vfychain  # noqa: E402

DOCUMENT = 'surat.pdf'
SIGNED = 'surat_signed.pdf'
DIALOG = 'Sign Document'
ACCOUNT = 'My Certificate'

SIGN = ('push button', 'Sign…')
PLACE = ('push button', 'Place')
CANVAS = ('document text', 'Document pages')

# Each window's or page's Tab stops in reading order, round from the last to
# the first: (role, name). The header bar comes first, left to right; Show
# Signatures shows only for a signed document.
ORDER = {
    'document': [('push button', 'Show Pages'), ('push button', 'Open a Document'), SIGN,
                 ('text', 'Page Number'), ('push button', 'Zoom'), ('push button', 'Main Menu'), CANVAS],
    # While placing, Sign… is disabled and the placement bar is above the page.
    'placing': [('push button', 'Show Pages'), ('push button', 'Open a Document'),
                ('text', 'Page Number'), ('push button', 'Zoom'), ('push button', 'Main Menu'),
                PLACE, ('push button', 'Cancel'), CANVAS],
    # Continue is disabled until a certificate can be used.
    'signed-out': [('push button', 'Cancel'), ('push button', 'My BSrE Certificate'),
                   ('push button', 'A Certificate File'), ('list item', 'Not Signed In'),
                   ('push button', 'Sign In to My Certificate')],
    # My Certificate's sign-in; Sign In once both fields are filled.
    'sign-in': [('text', 'NIK or official e-mail'), ('text', 'Password'), ('push button', 'Show Text'),
                ('push button', 'Forgot Password?'), ('push button', 'Sign In')],
    'certificate': [('push button', 'Cancel'), ('push button', 'Continue'), ('push button', 'My BSrE Certificate'),
                    ('push button', 'A Certificate File'), ('list item', 'BUDI SANTOSO CONTOH'),
                    ('list item', 'Certificate Status'), ('list item', 'Serial Number')],
    # The preview is a picture, no stop; Sign once a passphrase is typed.
    'details': [('list item', 'Name'), ('list item', 'Acting as'), ('push button', 'Myself'),
                ('push button', 'Plh. (Pelaksana Harian)'), ('push button', 'Plt. (Pelaksana Tugas)'),
                ('text', 'Position (jabatan)'), ('text', 'Reason'), ('text', 'Location'),
                ('text', 'QR code text (optional)'), ('list item', 'Image (optional)'),
                ('push button', 'Choose an Image'), ('text', 'Passphrase'), ('push button', 'Show Text'),
                ('push button', 'Cancel'), ('push button', 'Sign')],
}


def screenshot(title, name):
    # Let GTK draw the focus ring AT-SPI already reports.
    time.sleep(0.4)
    return take_screenshot(title, 'e2e-keyboard-signing-' + name)


def walk(window, page, start=0, values=None):
    """The focus is on stop @start of @page; Tab goes through every stop in
    reading order and round to it, typing values[i] (text, or a function
    called there) at stop i; Shift+Tab goes the same way back."""
    order = ORDER[page]
    values = values or {}
    expect_focus(window, *order[start])
    for step in range(len(order) + 1):
        index = (start + step) % len(order)
        if step > 0:
            tab(window, *order[index])
        value = values.get(index) if step < len(order) else None
        if callable(value):
            value()
        elif value is not None:
            type_text(value)
    for step in range(1, len(order) + 1):
        shift_tab(window, *order[(start - step) % len(order)])


def tab_to(window, page, here, there):
    """Tab from the stop @here of @page on to the stop @there."""
    order = ORDER[page]
    start = order.index(here)
    for step in range(1, (order.index(there) - start) % len(order) + 1):
        tab(window, *order[(start + step) % len(order)])


def focused_menu_item(app):
    return app.node.findChild(lambda n: n.roleName == 'menu item' and n.getState().contains(pyatspi.STATE_FOCUSED),
                              retry=False, requireResult=False)


def expect_menu_item(app, name):
    wait_for(lambda: names_match(getattr(focused_menu_item(app), 'name', None), name),
             'the focus on the menu item %r' % name)


def open_place_menu(app, window):
    """Space on Place opens its menu, the focus on the first preset."""
    expect_focus(window, *PLACE)
    key('space')
    expect_menu_item(app, 'Last Page, Bottom Right')


def is_open(app, title):
    return any(c.name == title for c in app.node.children)


def point_at(title):
    """Without a window manager X sends the keys to the window under the
    pointer once the focused window has gone: the pointer is moved (never
    clicked) over the window a window manager would focus next."""
    x, y, width, height = wait_for(lambda: window_geometry(title), 'window %r on the screen' % title)
    rawinput.absoluteMotion(x + width // 2, y + height // 2)


def failed(app):
    for child in app.node.children:
        try:
            take_screenshot(child.name, 'e2e-keyboard-signing-failed-' + child.name.replace(' ', '-').lower(),
                            ours=False)
        except Exception:
            pass


def test_keyboard_signing():
    ca = Ca()
    scratch = tempfile.mkdtemp(prefix='teken-e2e-keyboard-signing-')
    try:
        source = os.path.join(scratch, DOCUMENT)
        make_pdf(source)
        app = App(source, env=trusting_env(ca, scratch))
        try:
            sign(app, ca)
        except Exception:
            failed(app)
            raise
        finally:
            app.quit()

        output = os.path.join(scratch, SIGNED)
        report = pdfsig(ca, scratch, output)
        for line in report.splitlines():
            tap('# pdfsig: ' + line.strip())
        assert 'Signature Validation: Signature is Valid.' in report, report
        assert 'Signer Certificate Common Name: BUDI SANTOSO CONTOH' in report, report
        assert 'Total document signed' in report, report
        assert 'Chain is good!' in vfychain(scratch, output)
        check = subprocess.run(['qpdf', '--check', output], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        ca.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def sign(app, ca):
    window = app.window(DOCUMENT)
    find_label_containing(window, 'Not signed')
    # The keys go where X sends them: to the window once it is active.
    wait_for(lambda: window.getState().contains(pyatspi.STATE_ACTIVE), 'the window to be active', 30)

    # The document has the focus; the header bar comes before it. The first
    # Tab may come before the window takes keys, or before the page, once
    # rendered, takes the focus: it is tried again then.
    expect_focus(window, *CANVAS)
    for attempt in range(3):
        key('Tab')
        try:
            expect_focus(window, *ORDER['document'][0], timeout=5)
            break
        except AssertionError:
            if attempt == 2:
                raise
    walk(window, 'document')
    tab_to(window, 'document', ORDER['document'][0], SIGN)
    screenshot(DOCUMENT, 'document')

    # Sign… starts placing, the focus on Place; Escape ends it, back on Sign….
    key('Return')
    find_label_containing(window, 'Where should the signature go?')
    walk(window, 'placing', start=ORDER['placing'].index(PLACE))
    screenshot(DOCUMENT, 'placing')
    key('Escape')
    expect_focus(window, *SIGN)

    # The Place menu: arrows move, Escape closes it, Enter picks a preset.
    key('space')
    open_place_menu(app, window)
    key('Down')
    expect_menu_item(app, 'Last Page, Bottom Left')
    key('Escape')
    expect_focus(window, *PLACE)
    open_place_menu(app, window)
    key('Down')
    expect_menu_item(app, 'Last Page, Bottom Left')
    key('Up')
    expect_menu_item(app, 'Last Page, Bottom Right')
    key('Return')

    # The dialog takes the focus; Escape closes it and Sign… has it again.
    dialog = app.window(DIALOG)
    expect_focus(dialog, 'push button', 'Cancel')
    key('Escape')
    wait_for(lambda: not is_open(app, DIALOG), 'the dialog to close')
    expect_focus(window, *SIGN)
    key('Return')
    open_place_menu(app, window)
    key('Return')

    # Who: My BSrE Certificate, not signed in yet.
    dialog = app.window(DIALOG)
    expect_focus(dialog, 'push button', 'Cancel')
    tab(dialog, 'push button', 'My BSrE Certificate')
    key('space')
    find_label_containing(dialog, 'Sign in to My Certificate to sign with your BSrE certificate')
    walk(dialog, 'signed-out', start=1)
    tab_to(dialog, 'signed-out', ORDER['signed-out'][1], ('push button', 'Sign In to My Certificate'))
    screenshot(DIALOG, 'signed-out')
    key('Return')

    # My Certificate takes the keys: the sign-in, then the code.
    account = app.window(ACCOUNT)
    wait_page(account, 'Sign in to My Certificate')
    wait_for(lambda: account.getState().contains(pyatspi.STATE_ACTIVE), 'My Certificate to be active', 30)
    walk(account, 'sign-in', values={0: BUDI['email'], 1: BUDI['password']})
    screenshot(ACCOUNT, 'sign-in')
    key('Return')
    wait_page(account, 'Enter your code')
    expect_focus(account, 'text', 'Code from the app')
    type_text(totp(BUDI['totp']))
    screenshot(ACCOUNT, 'code')
    key('Return')
    wait_page(account, 'Your certificate')

    # Ctrl+W closes My Certificate; the dialog shows the certificate.
    rawinput.keyCombo('<Control>w')
    wait_for(lambda: not is_open(app, ACCOUNT), 'My Certificate to close')
    point_at(DIALOG)
    find(dialog, 'label', 'Active (ISSUE)')
    # The focus was on Sign In…, now hidden: GTK gives it to its row.
    walk(dialog, 'certificate', start=4)
    tab_to(dialog, 'certificate', ORDER['certificate'][4], ('push button', 'Continue'))
    screenshot(DIALOG, 'certificate')
    key('Return')

    # Details: the focus comes to the page's first stop. Acting as Plh.,
    # the position, reason, place and the passphrase typed on the way.
    find(dialog, 'label', 'Confirm with Your Passphrase')
    expect_focus(dialog, 'list item', 'Name')
    time.sleep(1)  # the preview
    screenshot(DIALOG, 'details-start')
    order = ORDER['details']
    walk(dialog, 'details', values={
        order.index(('push button', 'Plh. (Pelaksana Harian)')): lambda: key('space'),
        order.index(('text', 'Position (jabatan)')): 'Kepala Dinas Kominfo',
        order.index(('text', 'Reason')): 'Persetujuan',
        order.index(('text', 'Location')): 'Kota Contoh',
        order.index(('text', 'Passphrase')): BUDI['passphrase'],
    })
    # Enter in the location presses Sign, the page's main button.
    tab_to(dialog, 'details', order[0], ('text', 'Location'))
    time.sleep(1)  # the preview follows a pause in typing
    screenshot(DIALOG, 'details')
    key('Return')

    # The signed copy, verified, with the keyboard on its page.
    signed = app.window(SIGNED)
    find_label_containing(signed, 'Signed and unchanged', timeout=60)
    find_label_containing(signed, 'Signed by BUDI SANTOSO CONTOH')
    assert not is_open(app, DIALOG)
    point_at(SIGNED)
    expect_focus(signed, *CANVAS)
    screenshot(SIGNED, 'done')
    tap('# signed with the keyboard alone')


if __name__ == '__main__':
    sys.exit(run_tests([test_keyboard_signing]))
