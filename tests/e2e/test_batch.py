#!/usr/bin/python3
# Batch signing as a holder meets it: the installed app against a real
# teken-ca on loopback. From the main menu, Sign Several Documents; sign in
# to My Certificate from the signer picker; three PDFs added through the
# file chooser, one placement rule, the passphrase once; the summary lists
# three signed copies, each of which pdfsig and qpdf accept, and teken-ca
# saw one signing request. A wrong passphrase first says how many tries
# are left and saves nothing. And the same in Indonesian with a certificate
# file. A screenshot of each step.

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from teken_e2e import App, chooser_location_entry, click, find, find_label_containing, run_tests, wait_for  # noqa: E402
from test_account import BUDI, Ca, enter_code, make_pdf, press, screenshot, sign_in, type_into  # noqa: E402

WINDOW = 'Sign Several Documents'
CHOOSER = 'Add Documents'


class LoggedCa(Ca):
    """test_account's teken-ca with its request log kept, to count the
    signing requests that reached it."""

    def __init__(self):
        super().__init__(log=True)

    def signing_requests(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as f:
            return f.read().count('POST /api/v2/sign/hash/pdf')


NOTIFICATIONS_XML = '''<node><interface name="org.freedesktop.Notifications">
  <method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
    <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
    <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/></method>
  <method name="CloseNotification"><arg type="u" direction="in"/></method>
  <method name="GetCapabilities"><arg type="as" direction="out"/></method>
  <method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
    <arg type="s" direction="out"/><arg type="s" direction="out"/></method>
  <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
</interface></node>'''


def serve_notifications(record):
    """A desktop's notification server (the freedesktop.org interface GLib
    uses outside GNOME Shell and a sandbox), writing each notification to
    @record as a JSON line. Run as a process of its own: this test's waits
    do not run a main loop."""
    from gi.repository import Gio, GLib
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    info = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]

    def called(connection, sender, path, interface, method, parameters, invocation):
        if method == 'Notify':
            app_name, replaces, icon, summary, body = parameters.unpack()[:5]
            with open(record, 'a') as f:
                f.write(json.dumps({'summary': summary, 'body': body}) + '\n')
            invocation.return_value(GLib.Variant('(u)', (1,)))
        elif method == 'GetCapabilities':
            invocation.return_value(GLib.Variant('(as)', (['body'],)))
        elif method == 'GetServerInformation':
            invocation.return_value(GLib.Variant('(ssss)', ('test', 'teken', '1', '1.2')))
        else:
            invocation.return_value(None)

    bus.register_object('/org/freedesktop/Notifications', info, called, None, None)

    def acquired(connection, name):
        open(record + '.ready', 'w').close()
    Gio.bus_own_name_on_connection(bus, 'org.freedesktop.Notifications', Gio.BusNameOwnerFlags.NONE,
                                   acquired, None)
    GLib.MainLoop().run()


class Notifications:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='teken-e2e-notifications-')
        self.record = os.path.join(self.dir, 'received')
        self.process = subprocess.Popen([sys.executable, __file__, '--serve-notifications', self.record])
        wait_for(lambda: os.path.exists(self.record + '.ready'), 'the notification server')

    def received(self):
        if not os.path.exists(self.record):
            return []
        with open(self.record) as f:
            return [json.loads(line) for line in f]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def choose_in_chooser(app, title, path, accept):
    """A file through GTK's chooser, as a holder would: the path typed,
    then the button @accept."""
    chooser = app.toplevel(title)
    entry = chooser_location_entry(chooser)
    assert entry, 'the chooser never took the "/" for its location entry'
    entry.queryEditableText().setTextContents(path)
    wait_for(lambda: entry.queryText().characterCount == len(path), 'the path in the location entry')
    button = wait_for(lambda: chooser.findChild(lambda n: n.roleName == 'push button' and
                                                n.name in (accept, '_' + accept, '_%s %s' % (accept, accept)),
                                                retry=False, requireResult=False), 'the %s button' % accept)
    click(button)


def add_document(app, window, path, add='Add Documents', accept='Add'):
    press(window, add)
    choose_in_chooser(app, add, path, accept)
    find_label_containing(window, os.path.basename(path))


def passphrase_entry(window):
    """The batch's own passphrase field: the last one named so (the picker's
    hidden ones come first in the tree)."""
    return wait_for(lambda: [n for n in window.findChildren(lambda n: n.roleName == 'text' and n.name == 'Passphrase')][-1],
                    'the passphrase field')


def type_passphrase(window, text):
    entry = passphrase_entry(window)
    entry.queryEditableText().setTextContents(text)
    wait_for(lambda: entry.queryText().characterCount == len(text), 'the passphrase typed')


def test_indonesian_with_certificate_file():
    """Every step in Indonesian, signing with the test PKI's .p12 file."""
    work = tempfile.mkdtemp(prefix='teken-e2e-batch-id-')
    pki = os.environ['TEKEN_TEST_PKI']
    with open(os.path.join(pki, 'budi.pass')) as f:
        password = f.read().strip()
    notifications = Notifications()
    try:
        document = os.path.join(work, 'surat-edaran.pdf')
        make_pdf(document)
        app = App(language='id')
        try:
            main = app.window('Teken')
            click(find(main, 'push button', 'Menu Utama'))
            click(find(app.node, 'menu item', 'Tanda Tangani Beberapa Dokumen…'))
            window = app.window('Tanda Tangani Beberapa Dokumen')
            press(window, 'Berkas Sertifikat')
            press(window, 'Pilih Berkas Sertifikat')
            choose_in_chooser(app, 'Pilih Berkas Sertifikat', os.path.join(pki, 'budi.p12'), 'Pilih')
            find_label_containing(window, 'budi.p12')
            for entry in window.findChildren(lambda n: n.roleName == 'text' and n.name == 'Passphrase'):
                entry.queryEditableText().setTextContents(password)
            screenshot('Tanda Tangani Beberapa Dokumen', 'e2e-batch-signer-id')
            press(window, 'Lanjutkan')

            find_label_containing(window, 'Belum ada dokumen')
            screenshot('Tanda Tangani Beberapa Dokumen', 'e2e-batch-empty-id')
            add_document(app, window, document, add='Tambah Dokumen', accept='Tambah')
            find_label_containing(window, '1 dokumen')
            screenshot('Tanda Tangani Beberapa Dokumen', 'e2e-batch-documents-id')
            press(window, 'Tanda Tangani')
            find_label_containing(window, '1 Dokumen Ditandatangani', timeout=60)
            find_label_containing(window, 'surat-edaran_signed.pdf')
            screenshot('Tanda Tangani Beberapa Dokumen', 'e2e-batch-summary-id')
            assert {'summary': 'Penandatanganan Sekaligus Selesai', 'body': '1 dokumen telah ditandatangani.'} in \
                wait_for(notifications.received, 'the notification'), notifications.received()
        finally:
            app.quit()
        out = subprocess.run(['pdfsig', os.path.join(work, 'surat-edaran_signed.pdf')],
                             capture_output=True, text=True).stdout
        assert 'Signature Validation: Signature is Valid.' in out, out
    finally:
        notifications.stop()
        shutil.rmtree(work, ignore_errors=True)


def check_signed(path):
    # The details, in every copy's visible signature.
    drawn = subprocess.run(['mutool', 'draw', '-F', 'txt', path], capture_output=True, text=True).stdout
    assert 'Plh. Kepala Bagian Umum' in drawn, drawn
    out = subprocess.run(['pdfsig', path], capture_output=True, text=True).stdout
    assert 'Signature Validation: Signature is Valid.' in out, out
    assert 'Total document signed' in out, out
    assert 'BUDI SANTOSO CONTOH' in out, out
    qpdf = subprocess.run(['qpdf', '--check', path], capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr


def test_batch_sign_three_documents():
    ca = LoggedCa()
    work = tempfile.mkdtemp(prefix='teken-e2e-batch-')
    try:
        documents = []
        for name in ('surat-undangan.pdf', 'nota-dinas.pdf', 'surat-tugas.pdf'):
            documents.append(os.path.join(work, name))
            make_pdf(documents[-1])

        os.environ.update(ca.env())
        notifications = Notifications()
        app = App()
        try:
            main = app.window('Teken')
            # Signed in to My Certificate first: the batch window then signs
            # with the BSrE certificate at the CA by default.
            app.run_again('teken://certificate')
            account = app.window('My Certificate')
            sign_in(account, BUDI)
            enter_code(account, BUDI['totp'])

            click(find(main, 'push button', 'Main Menu'))
            click(find(app.node, 'menu item', 'Sign Several Documents…'))
            window = app.window(WINDOW)
            find_label_containing(window, 'BUDI SANTOSO')
            screenshot(WINDOW, 'e2e-batch-signer')
            press(window, 'Continue')

            find_label_containing(window, 'No documents yet')
            for path in documents:
                add_document(app, window, path)
            find_label_containing(window, '3 documents')
            press(window, 'Plh. (Pelaksana Harian)')
            type_into(window, 'Position (jabatan)', 'Kepala Bagian Umum')
            type_into(window, 'Reason', 'Persetujuan')
            type_into(window, 'Location', 'Kota Contoh')
            screenshot(WINDOW, 'e2e-batch-documents')

            # A wrong passphrase: nothing saved, the tries left said.
            type_passphrase(window, 'Salah-Frasa9!')
            screenshot(WINDOW, 'e2e-batch-passphrase')
            press(window, 'Sign')
            find_label_containing(window, 'tries left')
            screenshot(WINDOW, 'e2e-batch-wrong-passphrase')
            assert sorted(os.listdir(work)) == sorted(os.path.basename(d) for d in documents), os.listdir(work)

            type_passphrase(window, BUDI['passphrase'])
            press(window, 'Sign')
            try:
                find_label_containing(window, '3 Documents Signed', timeout=60)
            except AssertionError:
                screenshot(WINDOW, 'e2e-batch-failed-waiting-for-summary')
                raise
            screenshot(WINDOW, 'e2e-batch-summary')
            # The desktop was told too: this window is not the active one
            # (no window manager gives it focus here).
            assert {'summary': 'Batch Signing Done', 'body': '3 documents were signed.'} in \
                wait_for(notifications.received, 'the notification'), notifications.received()
            for path in documents:
                output = path[:-len('.pdf')] + '_signed.pdf'
                find_label_containing(window, os.path.basename(output))
                check_signed(output)
            # Open shows a signed copy in Teken, verified.
            press(window, 'Open “surat-undangan_signed.pdf”')
            opened = wait_for(lambda: app.node.findChild(lambda n: n.roleName == 'frame' and
                                                         n.name == 'surat-undangan_signed.pdf',
                                                         retry=False, recursive=False, requireResult=False),
                              'the signed copy opened', timeout=60)
            find_label_containing(opened, 'BUDI SANTOSO', timeout=30)
            screenshot('surat-undangan_signed.pdf', 'e2e-batch-opened')
        finally:
            app.quit()
            notifications.stop()
        # One signing request for the wrong passphrase, one for the three.
        assert ca.signing_requests() == 2, ca.signing_requests()
    finally:
        ca.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__' and sys.argv[1:2] == ['--serve-notifications']:
    serve_notifications(sys.argv[2])
elif __name__ == '__main__':
    sys.exit(run_tests([
        test_indonesian_with_certificate_file,
        test_batch_sign_three_documents,
    ]))
