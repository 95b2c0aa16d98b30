#!/usr/bin/python3
# The enrollment wizard with the keyboard alone (issue 8): Siti's whole ASN
# enrollment against a real teken-ca, where every input after the launch is
# a key press or typed text sent through XTest (dogtail.rawinput). AT-SPI
# only reads: which widget has the focus after each Tab (so the focus order
# is checked against the reading order of each page) and which page shows.
# The e-mailed links are typed into the wizard's link fields, as a holder
# who copies them from a webmail would.

import os
import sys
import time

import pyatspi

sys.path.insert(0, os.path.dirname(__file__))
from dogtail import rawinput  # noqa: E402
from teken_e2e import Timeout, run_tests, tap, wait_for  # noqa: E402
from teken_e2e import screenshot as take_screenshot  # noqa: E402
from test_enroll import WIZARD, Ca, find_label_containing, start, wait_page  # noqa: E402

SITI_NIK = '9971014506880002'
SITI_EMAIL = 'siti.rahayu@asn.kotacontoh.go.id'

# What each page's Tab stops are, in reading order: (role, name). The
# focus starts on the first when the page appears.
ORDER = {
    'register': [('text', 'NIK'), ('text', 'Official e-mail'),
                 ('push button', 'I Have a Link'), ('push button', 'Register')],
    'check-email': [('text', 'Link from the e-mail'), ('push button', 'Send Again'),
                    ('push button', 'Demo Mailbox'), ('push button', 'Continue')],
    'activate': [('text', 'Password'), ('push button', 'Show Text'),
                 ('text', 'Password again'), ('push button', 'Show Text'),
                 ('push button', 'Activate')],
    'personal': [('text', 'Full name'), ('text', 'Title before the name'),
                 ('text', 'Title after the name'), ('text', 'Mobile number'),
                 ('push button', 'Continue')],
    'employment': [('push button', 'I am an ASN (PNS or PPPK)'), ('push button', 'I am not an ASN'),
                   ('text', 'NIP'), ('push button', 'Cek NIP'), ('push button', 'Continue')],
    'selfie': [('push button', 'Take Photo')],
    'still': [('push button', 'Use This Photo'), ('push button', 'Retake')],
    'agreements': [('push button', 'Read the Privacy Policy'),
                   ('push button', 'Read the Certificate Holder Agreement'),
                   ('push button', 'Accept and Submit')],
    'verified': [('text', 'Link from the e-mail'), ('push button', 'Demo Mailbox'),
                 ('push button', 'Continue')],
    'passphrase': [('text', 'Passphrase'), ('push button', 'Show Text'),
                   ('text', 'Passphrase again'), ('push button', 'Show Text'),
                   ('push button', 'Issue My Certificate')],
    'issued': [('push button', 'Done')],
}

BACK = ('push button', 'Back')


def screenshot(name, title=WIZARD):
    # Let GTK draw the focus ring AT-SPI already reports.
    time.sleep(0.4)
    return take_screenshot(title, name)


def names_match(node_name, name):
    # GTK 4.8 joins a button's accessible label and its text ("_Label Label").
    node_name = node_name or ''
    return node_name == name or node_name.endswith(' ' + name) or node_name.startswith(name + ' ') or \
        node_name.replace('_', '') == name


def describe(node):
    return '%s %r' % (node.roleName, node.name) if node is not None else 'nothing'


def focused(window):
    """The widget of @window that says it has the keyboard focus, or None."""
    return window.findChild(lambda n: n.getState().contains(pyatspi.STATE_FOCUSED) and
                            n.roleName not in ('frame', 'dialog', 'window'),
                            retry=False, requireResult=False)


def text_fields(window):
    return window.findChildren(lambda n: n.roleName == 'text' and n.getState().contains(pyatspi.STATE_EDITABLE))


def field_typed_into(window):
    """Which of @window's text fields takes typed text: GTK 4.8 does not
    tell AT-SPI which entry row has the focus (its text is a hidden child),
    so a letter is typed at the end and taken back with BackSpace."""
    fields = text_fields(window)
    counts = [f.queryText().characterCount for f in fields]
    # Tab selects a field's text: End keeps the letter from replacing it.
    rawinput.pressKey('End')
    rawinput.pressKey('z')
    try:
        return wait_for(lambda: next((f for f, c in zip(fields, counts) if f.queryText().characterCount == c + 1), None),
                        'a field to take the typed letter', 5)
    except Timeout:
        return None
    finally:
        rawinput.pressKey('BackSpace')
        wait_for(lambda: [f.queryText().characterCount for f in fields] == counts, 'the letter to be taken back')


def expect_focus(window, role, name, timeout=30):
    """Waits until the focus is on the widget of @role named @name."""
    seen = []

    def there():
        node = focused(window)
        seen[:] = [node]
        return node is not None and node.roleName == role and names_match(node.name, name)
    if role == 'text':
        # A text view says it has the focus; an entry row's text does not
        # (see field_typed_into), so when nothing says it has the focus a
        # letter is tried, again until the page has slid in.
        deadline = time.monotonic() + timeout
        while True:
            if there():
                return seen[0]
            field = field_typed_into(window) if seen[0] is None else None
            if field is not None and names_match(field.name, name):
                return field
            if time.monotonic() > deadline:
                fail('the focus is on %s, not on %s %r' % (describe(field or seen[0]), role, name))
            time.sleep(0.5)
    try:
        return wait_for(there, 'the focus on %s %r' % (role, name), timeout)
    except Timeout:
        fail('the focus is on %s, not on %s %r' % (describe(seen[0] if seen else None), role, name))


def fail(message):
    try:
        take_screenshot(WIZARD, 'e2e-keyboard-failed')
    except Exception:
        pass
    raise AssertionError(message)


def key(name):
    rawinput.pressKey(name)


def tab(window, role, name):
    key('Tab')
    expect_focus(window, role, name)


def shift_tab(window, role, name):
    rawinput.keyCombo('<Shift>Tab')
    expect_focus(window, role, name)


def type_text(text):
    rawinput.typeText(text)


def walk_page(window, page, values, with_back=False):
    """On the page @page just shown: the focus is on its first stop; each
    value of @values is typed into the stop at its index (None: nothing);
    Tab goes through every stop in reading order and round to the first
    (through the header's Back button when @with_back)."""
    order = ORDER[page]
    expect_focus(window, *order[0])
    for index, (role, name) in enumerate(order):
        if index > 0:
            tab(window, role, name)
        if index < len(values) and values[index] is not None:
            type_text(values[index])
    if with_back:
        tab(window, *BACK)
    tab(window, *order[0])
    # And backwards: Shift+Tab goes the same way back.
    if with_back:
        shift_tab(window, *BACK)
        shift_tab(window, *order[-1])
        tab(window, *BACK)
        tab(window, *order[0])
    else:
        shift_tab(window, *order[-1])
        tab(window, *order[0])


def wait_sensitive(page, role, name):
    return wait_for(lambda: page.findChild(lambda n: n.roleName == role and names_match(n.name, name) and n.sensitive,
                                           retry=False, requireResult=False),
                    '%s %r to be enabled' % (role, name), 60)


def test_keyboard_enrollment():
    ca = Ca()
    try:
        app, wizard = start(ca)
        try:
            # The keys go where X sends them: to the wizard once it is active.
            wait_for(lambda: wizard.getState().contains(pyatspi.STATE_ACTIVE), 'the wizard to be active', 30)
            # Register: NIK, e-mail, and Enter in a field presses Register.
            page = wait_page(wizard, 'Register for an electronic certificate')
            walk_page(wizard, 'register', [SITI_NIK, SITI_EMAIL])
            screenshot('e2e-keyboard-register')
            key('Return')

            # The link from the e-mail, pasted as typed text; Enter continues.
            page = wait_page(wizard, 'Check your e-mail')
            find_label_containing(page, 'The link was sent to ' + SITI_EMAIL)
            walk_page(wizard, 'check-email', [ca.link(SITI_EMAIL, 'activation')], with_back=True)
            key('Return')

            page = wait_page(wizard, 'Choose your account password')
            walk_page(wizard, 'activate', ['Sandi-Baru1!', None, 'Sandi-Baru1!'])
            screenshot('e2e-keyboard-activate')
            key('Return')

            page = wait_page(wizard, 'Personal data')
            walk_page(wizard, 'personal', ['Siti Rahayu Contoh', None, 'S.Kom.', '0812-3456-7890'])
            key('Return')

            # Employment: Enter in the NIP field checks it; then Continue.
            page = wait_page(wizard, 'Employment data')
            expect_focus(wizard, *ORDER['employment'][0])
            tab(wizard, *ORDER['employment'][1])
            tab(wizard, *ORDER['employment'][2])
            type_text('198806052023212001')
            key('Return')
            find_label_containing(page, 'Badan Perencanaan Pembangunan Daerah')
            wait_sensitive(page, 'push button', 'Continue')
            shift_tab(wizard, *ORDER['employment'][1])
            shift_tab(wizard, *ORDER['employment'][0])
            shift_tab(wizard, *BACK)
            tab(wizard, *ORDER['employment'][0])
            for stop in ORDER['employment'][1:]:
                if stop[0] == 'text':
                    # A letter typed into the NIP would undo its check:
                    # no button has the focus is all that is asked here.
                    key('Tab')
                    wait_for(lambda: focused(wizard) is None, 'the focus to leave the buttons')
                else:
                    tab(wizard, *stop)
            screenshot('e2e-keyboard-employment')
            key('Return')

            # Selfie: the focus comes to Take Photo once the camera runs,
            # then to the still's suggested button once it is checked: the
            # test pattern has no face, so that is Retake; the CA takes it.
            page = wait_page(wizard, 'Selfie')
            expect_focus(wizard, *ORDER['selfie'][0], timeout=60)
            key('Return')
            expect_focus(wizard, *ORDER['still'][1], timeout=60)
            tab(wizard, *BACK)
            tab(wizard, *ORDER['still'][0])
            tab(wizard, *ORDER['still'][1])
            shift_tab(wizard, *ORDER['still'][0])
            screenshot('e2e-keyboard-selfie')
            key('Return')

            # Agreements: each document opens in a window that Escape
            # closes, giving the focus back to the button that opened it.
            page = wait_page(wizard, 'Agreements')
            order = ORDER['agreements']
            expect_focus(wizard, *order[0])
            for stop, title in ((order[0], 'Kebijakan Privasi'),
                                (order[1], 'Perjanjian Pemilik Sertifikat Elektronik')):
                expect_focus(wizard, *stop)
                key('Return')
                document = app.window(title)
                expect_focus(document, 'text', title)
                if stop is order[0]:
                    screenshot('e2e-keyboard-agreement', title)
                key('Escape')
                wait_for(lambda: not any(c.name == title for c in app.node.children), 'the %r window to close' % title)
                expect_focus(wizard, *stop)
                key('Tab')
            expect_focus(wizard, *order[2])
            screenshot('e2e-keyboard-agreements')
            key('Return')

            page = wait_page(wizard, 'Verification')
            find_label_containing(page, 'Verified: check your e-mail')
            walk_page(wizard, 'verified', [ca.link(SITI_EMAIL, 'set_passphrase')])
            screenshot('e2e-keyboard-verified')
            key('Return')

            page = wait_page(wizard, 'Choose your passphrase')
            walk_page(wizard, 'passphrase', ['Frasa-Rahasia7!', None, 'Frasa-Rahasia7!'])
            screenshot('e2e-keyboard-passphrase')
            key('Return')

            page = wait_page(wizard, 'Certificate issued')
            find_label_containing(page, 'SITI RAHAYU CONTOH')
            expect_focus(wizard, *ORDER['issued'][0])
            # Done is the only stop; GTK 4.8 hides the focus ring 3 s after
            # the last key, so a Tab shows it for the picture.
            tab(wizard, *ORDER['issued'][0])
            screenshot('e2e-keyboard-issued')
            key('Return')
            wait_for(lambda: not any(c.name == WIZARD for c in app.node.children), 'the wizard to close')
            tap('# every page done with the keyboard alone')
        finally:
            app.quit()
    finally:
        ca.stop()


if __name__ == '__main__':
    sys.exit(run_tests([test_keyboard_enrollment]))
