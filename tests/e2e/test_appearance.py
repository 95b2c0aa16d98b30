#!/usr/bin/python3
# The main pages in the dark style and in high contrast, as the desktop
# asks for them (libadwaita reads org.gnome.desktop.interface color-scheme
# and org.gnome.desktop.a11y.interface high-contrast): screenshots to look
# at for unreadable text, and the style checked on the pixels: the dark
# start page is dark, the high-contrast one differs from the default.

import os
import shutil
import sys
import tempfile

import cairo

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import App, click, find, find_label_containing, run_tests, screenshot  # noqa: E402

CORPUS = os.environ['TEKEN_TEST_VERIFY_CORPUS']
PKI = os.environ['TEKEN_TEST_PKI']


def desktop(scratch, settings):
    """An app environment whose desktop settings are @settings, the test
    PKI trusted."""
    config = os.path.join(scratch, 'config', 'glib-2.0', 'settings')
    os.makedirs(config)
    with open(os.path.join(config, 'keyfile'), 'w') as keyfile:
        keyfile.write(settings)
    trust = os.path.join(scratch, 'data', 'teken', 'trust')
    os.makedirs(trust)
    for name in ('root.pem', 'issuing-ca.pem'):
        shutil.copy(os.path.join(PKI, name), trust)
    return {'XDG_CONFIG_HOME': os.path.join(scratch, 'config'), 'XDG_DATA_HOME': os.path.join(scratch, 'data')}


def brightness(path):
    """The mean brightness of a screenshot, 0 (black) to 1 (white)."""
    image = cairo.ImageSurface.create_from_png(path)
    data, stride = image.get_data(), image.get_stride()
    total = count = 0
    for y in range(0, image.get_height(), 4):
        row = data[y * stride:(y + 1) * stride]
        for x in range(0, image.get_width() * 4, 16):
            total += row[x] + row[x + 1] + row[x + 2]
            count += 3
    return total / count / 255


def start_page(env, name):
    app = App(env=env)
    try:
        find(app.window('Teken'), 'label', 'Welcome to Teken')
        return screenshot('Teken', name)
    finally:
        app.quit()


def pages(style, settings):
    """Screenshots of the main pages with @settings; returns the start page's."""
    with tempfile.TemporaryDirectory() as scratch:
        env = desktop(scratch, settings)
        app = App(env=env)
        try:
            window = app.window('Teken')
            find(window, 'label', 'Welcome to Teken')
            start = screenshot('Teken', 'e2e-%s-start-page' % style)
            click(find(window, 'push button', 'Main Menu'))
            click(find(app.node, 'menu item', 'Preferences'))
            app.window('Preferences')
            screenshot('Preferences', 'e2e-%s-preferences' % style)
        finally:
            app.quit()

        for name, verdict in (('ok-teken.pdf', 'Signed and unchanged'), ('isa-content.pdf', 'Changed after signing')):
            app = App(os.path.join(CORPUS, name), env=env)
            try:
                window = app.window(name)
                find_label_containing(window, verdict)
                screenshot(name, 'e2e-%s-%s' % (style, name[:-4]))
            finally:
                app.quit()
    return start


def test_dark():
    start = pages('dark', "[org/gnome/desktop/interface]\ncolor-scheme='prefer-dark'\n")
    assert brightness(start) < 0.35, 'the start page is not dark: %.2f' % brightness(start)


def test_high_contrast():
    start = pages('high-contrast', "[org/gnome/desktop/a11y/interface]\nhigh-contrast=true\n")
    with tempfile.TemporaryDirectory() as scratch:
        default = start_page(desktop(scratch, ''), 'e2e-default-start-page')
    with open(start, 'rb') as a, open(default, 'rb') as b:
        assert a.read() != b.read(), 'high contrast looks like the default style'


if __name__ == '__main__':
    sys.exit(run_tests([test_dark, test_high_contrast]))
