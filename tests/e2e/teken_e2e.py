# teken_e2e.py — drive the installed Teken through AT-SPI, as a user would.
#
# Each test is a function; run_tests() runs them in order and prints TAP.
# Widgets are found by role and accessible name and operated through their
# actions, never by screen coordinates. Screenshots of the real X window go
# to $TEKEN_SCREENSHOT_DIR.

import atexit
import gettext
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

# TAP goes to the real stdout; dogtail's chatter goes to stderr.
TAP = sys.stdout
sys.stdout = sys.stderr

import pyatspi  # noqa: E402
from dogtail import rawinput, tree  # noqa: E402
# The settings object, not the module of the same name.
from dogtail.config import config  # noqa: E402

config.logDebugToFile = False
config.searchCutoffCount = 10
config.defaultDelay = 0.2
# Every wait in the tests is explicit (wait_for, find): dogtail's second
# after each action only slows the suite.
config.actionDelay = 0.2
config.typingDelay = 0.02

TEKEN = os.environ['TEKEN_INSTALLED_BIN']
SCREENSHOTS = os.environ['TEKEN_SCREENSHOT_DIR']


# The language the app under test runs in; tr() turns the English of a
# test into what the app shows in it, from the installed catalogue, so one
# flow checks both languages (and that every string on the way is
# translated: an untranslated one is not found).
LANGUAGE = ['en']
_CATALOGUES = {}


def _catalogue(language):
    if language not in _CATALOGUES:
        locale_dir = os.path.join(os.path.dirname(os.path.dirname(TEKEN)), 'share', 'locale')
        messages = gettext.translation('teken', locale_dir, [language])._catalog
        table = {}
        for msgid, msgstr in messages.items():
            if isinstance(msgid, str) and msgid and '\x04' not in msgid:
                table.setdefault(msgid, msgstr)
                # Buttons are looked for without their mnemonic.
                table.setdefault(msgid.replace('_', ''), msgstr.replace('_', ''))
        _CATALOGUES[language] = table
    return _CATALOGUES[language]


def tr(text):
    if LANGUAGE[0] == 'en' or not text:
        return text
    return _catalogue(LANGUAGE[0]).get(text, text)


class Timeout(AssertionError):
    pass


def wait_for(predicate, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception:  # the tree changes under us while the app works
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise Timeout('timed out waiting for ' + what)


class App:
    """One running instance of the installed teken."""

    def __init__(self, *args, language='en', env=None, log=None):
        """@log: a file for everything the app prints (stdout and stderr)."""
        env = dict(os.environ, **(env or {}))
        # A GTK warning (a widget drawn without an allocation, ...) is a bug
        # the holder would see: the app aborts and the test fails.
        env.setdefault('G_DEBUG', 'fatal-warnings')
        env['LANGUAGE'] = language
        LANGUAGE[0] = language
        env['LANG'] = env['LC_ALL'] = 'id_ID.UTF-8' if language == 'id' else 'C.UTF-8'
        self.env = env
        self.log = open(log, 'wb') if log else None
        self.process = subprocess.Popen([TEKEN, *args], env=env, stdout=self.log, stderr=self.log)
        self.node = wait_for(lambda: self._find_application(), 'teken on the AT-SPI bus')

    def _find_application(self):
        for app in tree.root.applications():
            if app.name == 'teken' and app.get_process_id() == self.process.pid:
                return app
        return None

    def window(self, title):
        title = tr(title)
        return wait_for(lambda: self.node.findChild(lambda n: n.roleName in ('frame', 'dialog') and n.name == title,
                                                    retry=False, recursive=False, requireResult=False),
                        'window ' + repr(title))

    def toplevel(self, title):
        """A window of any role, such as GTK 4.8's file chooser (a 'filler')."""
        title = tr(title)
        return wait_for(lambda: next((c for c in self.node.children if c.name == title), None),
                        'window ' + repr(title))

    def run_again(self, *args):
        """Runs a second `teken`, which hands its arguments to this one."""
        # What it prints goes with this one's, never into the TAP stream.
        output = self.log or sys.stderr
        second = subprocess.run([TEKEN, *args], env=self.env, timeout=30, stdout=output, stderr=output)
        assert second.returncode == 0, 'the second instance failed'

    def quit(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log:
            self.log.close()


class Ca:
    """A teken-ca on loopback for one test, in a scratch directory. Each
    serves a copy of a CA initialized once per run from its seed:
    initializing makes keys and takes seconds, copying takes none. Every
    copy is fresh (no code used, no link clicked)."""

    templates = {}

    def __init__(self, *serve_args, seed=None, log=False):
        """@log: keep the server's request log in self.log_path."""
        self.dir = tempfile.mkdtemp(prefix='teken-e2e-ca-')
        self.data = os.path.join(self.dir, 'data')
        shutil.copytree(self._initialized(seed or os.environ['TEKEN_CA_SEED']), self.data)
        self.root = os.path.join(self.data, 'root.pem')
        self.maildir = os.path.join(self.data, 'mail')
        self.log_path = os.path.join(self.dir, 'serve.log') if log else None
        with open(self.log_path or os.devnull, 'wb') as output:
            self.process = subprocess.Popen([os.environ['TEKEN_CA_BIN'], 'serve', self.data,
                                             '--listen', '127.0.0.1:0', *serve_args],
                                            stdout=output, stderr=subprocess.STDOUT)
        url_file = os.path.join(self.data, 'serve.url')
        self.url = wait_for(lambda: os.path.exists(url_file) and open(url_file).read().strip(), 'teken-ca')

    @classmethod
    def _initialized(cls, seed):
        if seed not in cls.templates:
            template = tempfile.mkdtemp(prefix='teken-e2e-ca-template-')
            atexit.register(shutil.rmtree, template, True)
            data = os.path.join(template, 'data')
            subprocess.run([os.environ['TEKEN_CA_BIN'], 'init', data, '--seed', seed], check=True,
                           capture_output=True)
            cls.templates[seed] = data
        return cls.templates[seed]

    def env(self):
        return {'TEKEN_CA_URL': self.url, 'TEKEN_CA_FILE': self.root, 'TEKEN_DEMO_MAILDIR': self.maildir}

    def link(self, to, purpose, after=0):
        """The teken:// link of the newest message of @purpose to @to,
        written after the Unix time @after."""
        def newest():
            for path in sorted(glob.glob(os.path.join(self.maildir, 'new', '*')), reverse=True):
                if os.path.getmtime(path) < after:
                    continue
                text = open(path, encoding='utf-8').read()
                headers = text.split('\n\n', 1)[0]
                if ('\nTo: %s\n' % to) in headers and ('\nX-Teken-Purpose: %s\n' % purpose) in headers:
                    return re.search(r'^X-Teken-Link: (\S+)$', headers, re.M).group(1)
            return None
        return wait_for(newest, '%s mail to %s' % (purpose, to))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


# GTK 4.8 does not report the 'showing' state, so it is not used to filter.
def find(node, role, name, timeout=20):
    name = tr(name)
    return wait_for(lambda: node.findChild(lambda n: n.roleName == role and n.name == name,
                                           retry=False, requireResult=False),
                    '%s %r' % (role, name), timeout)


def find_label_containing(node, text, timeout=20):
    text = tr(text)
    return wait_for(lambda: node.findChild(lambda n: n.roleName == 'label' and text in n.name,
                                           retry=False, requireResult=False),
                    'a label with %r' % text, timeout)


def find_containing(node, role, text, timeout=20):
    """GTK 4.8 names a button with a mnemonic '_Open Open': match a part."""
    text = tr(text)
    return wait_for(lambda: node.findChild(lambda n: n.roleName == role and text in n.name,
                                           retry=False, requireResult=False),
                    '%s containing %r' % (role, text), timeout)


def wait_page(window, title):
    """Waits until @window (the wizard, My Certificate) shows the page titled
    @title: its header says so (hidden pages are in the AT-SPI tree too,
    GTK 4.8 not reporting 'showing'). Returns the page's panel, which
    carries its title, to look for fields in (or the window)."""
    title = tr(title)

    def shown():
        header = window.findChild(lambda n: n.name == 'AdwWindowTitle', retry=False, requireResult=False)
        labels = [c for c in header.children[0].children if c.roleName == 'label'] if header else []
        return len(labels) > 1 and labels[1].name == title
    try:
        wait_for(shown, 'the page %r' % title)
    except AssertionError:
        screenshot(window.name, 'e2e-failed-waiting-for-' + re.sub(r'\W+', '-', title).lower(), ours=False)
        raise
    return wait_for(lambda: window.findChild(lambda n: n.roleName == 'panel' and n.name == title,
                                             retry=False, requireResult=False) or window,
                    'the panel of %r' % title)


def text_length(entry):
    # GTK 4.8 answers getText() with nothing for entries, but counts right.
    return entry.queryText().characterCount


def type_into(node, name, text):
    entry = find(node, 'text', name)
    entry.queryEditableText().setTextContents(text)
    wait_for(lambda: text_length(entry) == len(text), 'the text in %r' % name)


def find_button(node, name):
    # GTK 4.8 joins a button's accessible label and its text ("_Label Label",
    # "Read the Privacy Policy Read"): match either end.
    name = tr(name)
    return wait_for(lambda: node.findChild(lambda n: n.roleName == 'push button' and
                                           (n.name == name or n.name.endswith(' ' + name) or
                                            n.name.startswith(name + ' ')),
                                           retry=False, requireResult=False),
                    'button %r' % name)


def press(node, name):
    button = find_button(node, name)
    wait_for(lambda: button.sensitive, 'button %r to be enabled' % name)
    click(button)


def click(node):
    # A GtkMenuButton is a named button wrapping the toggle button that
    # carries the action.
    if 'click' not in node.actions:
        node = node.findChild(lambda n: 'click' in n.actions, retry=False)
    node.doActionNamed('click')


# Containers a screen reader passes through; everything else that takes the
# focus is something a user operates and must have a name.
CONTAINER_ROLES = {'scroll pane', 'filler', 'panel', 'viewport', 'frame', 'dialog', 'window', 'list', 'table',
                   'tree table', 'layered pane', 'split pane', 'page tab list', 'tool bar', 'menu bar'}


def meaningful(name):
    """Whether @name says something: GTK gives a widget without one its
    type's name ("GtkButton"), which a screen reader reads out as is."""
    name = (name or '').strip()
    return bool(name) and not re.fullmatch(r'(Gtk|Adw|Teken)[A-Z][A-Za-z]*', name)


def unnamed_focusable(window):
    """The focusable widgets under @window (an AT-SPI accessible) that have
    no accessible name: a screen reader would say only their role. Every
    question is a D-Bus call, so each node is asked only its state unless
    it can take the focus."""
    found = []

    def describe(node):
        return node.getRoleName() if not node.name else '%s %r' % (node.getRoleName(), node.name)

    def walk(node, parents):
        for child in node:
            if child is None:
                continue
            states = child.getState()
            # Hidden widgets (not hidden stack pages: GTK 4.8 calls them
            # visible) cannot take the focus.
            if not states.contains(pyatspi.STATE_VISIBLE):
                continue
            if states.contains(pyatspi.STATE_FOCUSABLE) and not meaningful(child.name) and \
                    child.getRoleName() not in CONTAINER_ROLES:
                found.append(' > '.join(describe(n) for n in parents[-2:] + [child]))
            walk(child, parents + [child])

    walk(window, [])
    return found


def check_accessible_names(window_title):
    """Fails when a window titled @window_title has an unnamed focusable widget."""
    for app in tree.root.applications():
        if app.name != 'teken':
            continue
        for window in app.children:
            if window.name == window_title:
                unnamed = unnamed_focusable(window)
                assert not unnamed, 'unnamed focusable widgets in %r: %s' % (window_title, '; '.join(unnamed))


def window_geometry(window_title):
    """The X window titled @window_title: x, y, width, height on the screen."""
    info = subprocess.run(['xwininfo', '-name', window_title], capture_output=True, text=True, check=True).stdout
    value = {line.split(':')[0].strip(): line.split(':')[1].strip() for line in info.splitlines() if ':' in line}
    return (int(value['Absolute upper-left X']), int(value['Absolute upper-left Y']),
            int(value['Width']), int(value['Height']))


def chooser_location_entry(chooser):
    """Opens the location entry of GTK's file chooser @chooser by typing "/"
    (XTest: the chooser has no action for it) and returns the entry, or
    None. Without a window manager the keyboard goes to the window under
    the pointer, so the pointer is put over the chooser first: it is moved,
    never clicked."""
    def location_entry():
        for node in chooser.findChildren(lambda n: n.roleName == 'text'):
            if node.queryText().characterCount > 0:
                return node
        return None
    x, y, width, height = wait_for(lambda: window_geometry(chooser.name), 'the chooser on the screen')
    rawinput.absoluteMotion(x + width // 2, y + height // 2)
    for keystroke in range(4):
        rawinput.typeText('/')
        try:
            return wait_for(location_entry, 'the location entry', timeout=3)
        except Timeout:
            time.sleep(1)
    return None


def screenshot(window_title, name, ours=True):
    """Saves the X window titled @window_title as @name.png, after checking
    that everything in it a user can focus has an accessible name (unless the
    window is not @ours, like GTK's file chooser)."""
    window_title = tr(window_title)
    if ours:
        check_accessible_names(window_title)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    info = subprocess.run(['xwininfo', '-name', window_title], capture_output=True, text=True, check=True)
    xid = next(line.split()[3] for line in info.stdout.splitlines() if 'Window id:' in line)
    path = os.path.join(SCREENSHOTS, name + '.png')
    subprocess.run(['gst-launch-1.0', '-q', 'ximagesrc', 'xid=' + xid, 'use-damage=false', 'show-pointer=false', 'num-buffers=1',
                    '!', 'videoconvert', '!', 'pngenc', '!', 'filesink', 'location=' + path],
                   check=True, timeout=30)
    assert os.path.getsize(path) > 0
    tap('# screenshot: ' + path)
    return path


def tap(line):
    TAP.write(line + '\n')
    TAP.flush()


def run_tests(tests):
    tap('1..%d' % len(tests))
    failed = 0
    for number, test in enumerate(tests, 1):
        try:
            test()
            tap('ok %d - %s' % (number, test.__name__))
        except Exception:
            failed += 1
            tap('not ok %d - %s' % (number, test.__name__))
            for line in traceback.format_exc().splitlines():
                tap('# ' + line)
    return 1 if failed else 0
