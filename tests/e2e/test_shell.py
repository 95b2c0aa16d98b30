#!/usr/bin/python3
# The application shell as a user meets it: the start page, the main menu
# and the About window, documents handed over by a second `teken`, and the
# same window in Indonesian.

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import App, click, find, find_label_containing, run_tests, screenshot  # noqa: E402


def test_start_page_and_about():
    app = App()
    try:
        window = app.window('Teken')
        find(window, 'label', 'Welcome to Teken')
        screenshot('Teken', 'e2e-start-page')

        click(find(window, 'push button', 'Main Menu'))
        click(find(app.node, 'menu item', 'About Teken'))
        about = app.window('About Teken')
        find(about, 'label', '0.1.0')
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
        find(window, 'label', 'Selamat Datang di Teken')
        find(window, 'push button', 'Menu Utama')
        screenshot('Teken', 'e2e-start-page-id')
    finally:
        app.quit()


if __name__ == '__main__':
    sys.exit(run_tests([
        test_start_page_and_about,
        test_second_instance_hands_over_documents,
        test_indonesian,
    ]))
