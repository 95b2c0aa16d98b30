#!/usr/bin/python3
# The application shell as a user meets it: the start page, the main menu
# and the About window, documents handed over by a second `teken`, and the
# same window in Indonesian.

import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import TEKEN, App, click, find, find_label_containing, run_tests, screenshot  # noqa: E402


def test_start_page_and_about():
    app = App()
    try:
        window = app.window('Teken')
        find(window, 'label', 'Welcome to Teken')
        screenshot('Teken', 'e2e-start-page')

        click(find(window, 'push button', 'Main Menu'))
        click(find(app.node, 'menu item', 'About Teken'))
        about = app.window('About Teken')
        version = subprocess.run([TEKEN, '--version'], capture_output=True, text=True, check=True).stdout.split()[-1]
        find(about, 'label', version)
        screenshot('About Teken', 'e2e-about')
    finally:
        app.quit()


def test_second_instance_hands_over_documents():
    app = App()
    try:
        app.window('Teken')
        app.run_again(os.path.join(os.environ['TEKEN_TEST_FIXTURES'], 'hand-minimal.pdf'))
        window = app.window('hand-minimal.pdf')
        find_label_containing(window, 'of 1')
        assert len([c for c in app.node.children if c.roleName == 'frame']) == 1, 'a second window opened'
        screenshot('hand-minimal.pdf', 'e2e-document-handed-over')
    finally:
        app.quit()


def test_indonesian():
    app = App(language='id')
    try:
        window = app.window('Teken')
        find(window, 'label', 'Selamat datang di Teken')
        find(window, 'push button', 'Menu Utama')
        screenshot('Teken', 'e2e-start-page-id')
    finally:
        app.quit()


def test_dbus_activation():
    """The desktop starts Teken through D-Bus (DBusActivatable): a bus of
    the test's own, whose only service is the installed one, starts it on
    org.freedesktop.Application.Activate."""
    prefix_share = os.path.join(os.path.dirname(os.path.dirname(TEKEN)), 'share')
    with tempfile.TemporaryDirectory() as directory:
        address = 'unix:path=' + os.path.join(directory, 'bus')
        # A runtime directory of its own too: an accessibility bus started
        # for this bus must not replace (and on exit remove) the session's.
        env = dict(os.environ, XDG_DATA_DIRS=prefix_share, DBUS_SESSION_BUS_ADDRESS=address,
                   XDG_RUNTIME_DIR=directory, GTK_A11Y='none')
        # What the activated app prints must not end up in the TAP output.
        bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--address=' + address], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait = time.monotonic() + 10
            while not os.path.exists(os.path.join(directory, 'bus')) and time.monotonic() < wait:
                time.sleep(0.1)
            call = ['gdbus', 'call', '--address', address, '--dest', 'io.github.teken.Teken',
                    '--object-path', '/io/github/teken/Teken']
            subprocess.run(call + ['--method', 'org.freedesktop.Application.Activate', '{}'],
                           env=env, check=True, capture_output=True, timeout=30)
            info = subprocess.run(['xwininfo', '-root', '-tree'], capture_output=True, text=True, check=True)
            assert '"Teken"' in info.stdout, 'no Teken window after activation'
            subprocess.run(call + ['--method', 'org.freedesktop.Application.ActivateAction', 'quit', '[]', '{}'],
                           env=env, check=True, capture_output=True, timeout=30)
        finally:
            bus.terminate()
            bus.wait(timeout=10)


if __name__ == '__main__':
    sys.exit(run_tests([
        test_start_page_and_about,
        test_second_instance_hands_over_documents,
        test_indonesian,
        test_dbus_activation,
    ]))
