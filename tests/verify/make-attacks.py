#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a corpus of attacked and legitimate signed PDFs for `teken verify`.

Usage: /usr/bin/python3 make-attacks.py OUTDIR --teken TEKEN_BIN --pki PKIDIR
                                        --fixtures FIXTURESDIR [--stamp FILE]

Every attacked file starts as a correctly signed document (signed here by
`teken sign`, `pdfsig -add-signature`, `mutool sign`, or by this script with
`openssl cms` where a signature needs something teken cannot write yet, such
as DocMDP), so the original signature itself is intact; the attack is then
done byte by byte (pdfbytes.py, stdlib only).  The attack classes are those of
the "PDF Insecurity" research (Ruhr University Bochum, 2019-2021): universal
signature forgery (usf), incremental saving (isa), signature wrapping (swa),
shadow attacks (hide, replace, hide-and-replace) and certification attacks.

OUTDIR/manifest.json is a list of objects, one per file:

  file            name of the file in OUTDIR
  expect          "valid" (teken verify must say valid) or "bad" (invalid or
                  modified; never valid, never untrusted: the anchor is given)
  expect_status   the statuses that are right for this file
  attack          usf, isa, swa, shadow-hide, shadow-replace,
                  shadow-hide-and-replace, certification, or none
  what            one line saying what was done
  trust           anchor files to pass with --trust (and --no-default-trust):
                  names relative to PKIDIR (the test PKI), or to OUTDIR
  signatures      how many signatures the file holds (signed fields,
                  counting ones whose dictionary was broken)
  expect_problem  a short English word the verifier's problem text for the
                  bad signature should contain (compare case-insensitively),
                  or null
  pdfsig          what poppler's pdfsig (with the test root trusted in an NSS
                  database) says: "valid" when every signature's CMS checks
                  out, "invalid" when one does not, "unsigned", or "error";
                  pdfsig does no change analysis, so it says "valid" for most
                  incremental-saving and shadow attacks: that is the point
  pdfsig_detail   per signature, pdfsig's "Signature Validation" line and
                  whether it says the whole document is signed
  qpdf_check_exit the exit status of `qpdf --check` (0, or 3 for warnings)
  method          for USF: "incremental" (the signature dictionary redefined
                  in a later update) or "in-place" (rewritten inside the
                  signed revision, lengths kept, so the byte layout stays)
  weak_digest     true when the signature uses SHA-1 (mutool): the verifier
                  names the weak digest as a problem, the status stays valid
  producer        who made the (first) signature: teken, pdfsig, mutool, or
                  openssl (signed by this script with `openssl cms`)
  strict          true for an attack that a verifier checking only the kind of
                  an allowed change misses: the "evil annotation", a FreeText
                  annotation (allowed by DocMDP P=3) whose opaque appearance
                  covers the page's text

The keys, the certificates and the signing times are fresh on every run (the
test PKI is), so nothing here is reproducible byte for byte; the structure is.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True         # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdfbytes import (Pdf, Update, Ref, Hex, Stream, N, D, lit, ser,  # noqa: E402
                      build, sig_layout, xref_table)

TRUST = ['root.pem']


def run(cmd, ok=(0,), **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if ok is not None and p.returncode not in ok:
        raise SystemExit('make-attacks: %s failed (%d):\n%s%s' % (
            ' '.join(cmd), p.returncode, p.stdout.decode(errors='replace'),
            p.stderr.decode(errors='replace')))
    return p


# ---------------------------------------------------------------- documents

FONT = D(Type=N('Font'), Subtype=N('Type1'), BaseFont=N('Helvetica'),
         Encoding=N('WinAnsiEncoding'))
A4 = [0, 0, 595, 842]


def text(x, y, s, size=12):
    s = s.replace(b'\\', b'\\\\').replace(b'(', b'\\(').replace(b')', b'\\)')
    return b'BT /F1 %d Tf %d %d Td (%s) Tj ET\n' % (size, x, y, s)


LETTER_HEAD = (b'q 0.15 0.3 0.6 RG 2 w 18 18 559 806 re S Q\n'
               + text(54, 760, b'Surat Perintah Pembayaran', 20)
               + text(54, 736, b'Teken verify test corpus', 11)
               + text(54, 700, b'Kepada: CV Maju Jaya, Jl. Merdeka 17, Bandung'))


def form(content, bbox=A4, font=Ref(5)):
    return Stream(D(Type=N('XObject'), Subtype=N('Form'), BBox=bbox,
                    Resources=D(Font=D(F1=font))), content)


def doc_shadow_hide():
    """Hidden text under a white overlay (form XObject 7, via resources 6)."""
    content = (LETTER_HEAD
               + text(54, 680, b'Jumlah: Rp 1.500.000')
               + text(54, 650, b'Catatan: pembayaran dibatalkan, dana dialihkan ke rekening 0099')
               + b'q /Ov Do Q\n')
    return build({
        1: D(Type=N('Catalog'), Pages=Ref(2)),
        2: D(Type=N('Pages'), Kids=[Ref(3)], Count=1),
        3: D(Type=N('Page'), Parent=Ref(2), MediaBox=A4, Resources=Ref(6), Contents=Ref(4)),
        4: Stream({}, content),
        5: FONT,
        6: D(Font=D(F1=Ref(5)), XObject=D(Ov=Ref(7))),
        7: form(b'1 1 1 rg 50 640 520 26 re f\n'),
    }, file_id=b'5e1f0000000000000000000000000001')


def doc_shadow_overlay():
    """The amount is drawn by a form XObject overlay (object 7)."""
    content = LETTER_HEAD + text(54, 680, b'Jumlah:') + b'q /Ov Do Q\n'
    return build({
        1: D(Type=N('Catalog'), Pages=Ref(2)),
        2: D(Type=N('Pages'), Kids=[Ref(3)], Count=1),
        3: D(Type=N('Page'), Parent=Ref(2), MediaBox=A4, Resources=Ref(6), Contents=Ref(4)),
        4: Stream({}, content),
        5: FONT,
        6: D(Font=D(F1=Ref(5)), XObject=D(Ov=Ref(7))),
        7: form(text(104, 680, b'Rp 1.500.000')),
    }, file_id=b'5e1f0000000000000000000000000002')


def doc_shadow_hide_and_replace():
    """A whole second document sits unreferenced: content 8, page tree 9 -> page 10."""
    good = LETTER_HEAD + text(54, 680, b'Jumlah: Rp 1.500.000')
    evil = LETTER_HEAD + text(54, 680, b'Jumlah: Rp 950.000.000')
    return build({
        1: D(Type=N('Catalog'), Pages=Ref(2)),
        2: D(Type=N('Pages'), Kids=[Ref(3)], Count=1),
        3: D(Type=N('Page'), Parent=Ref(2), MediaBox=A4, Resources=Ref(6), Contents=Ref(4)),
        4: Stream({}, good),
        5: FONT,
        6: D(Font=D(F1=Ref(5))),
        8: Stream({}, evil),
        9: D(Type=N('Pages'), Kids=[Ref(10)], Count=1),
        10: D(Type=N('Page'), Parent=Ref(9), MediaBox=A4, Resources=Ref(6), Contents=Ref(8)),
    }, file_id=b'5e1f0000000000000000000000000003')


def doc_empty_sigfield():
    """hand-minimal's shape plus an empty signature field (for mutool sign)."""
    content = LETTER_HEAD + text(54, 680, b'Jumlah: Rp 1.500.000')
    ap = Stream(D(Type=N('XObject'), Subtype=N('Form'), BBox=[0, 0, 200, 60]), b'')
    return build({
        1: D(Type=N('Catalog'), Pages=Ref(2),
             AcroForm=D(Fields=[Ref(6)], DA=lit(b'/Helv 0 Tf 0 g'),
                        DR=D(Font=D(Helv=Ref(5))))),
        2: D(Type=N('Pages'), Kids=[Ref(3)], Count=1),
        3: D(Type=N('Page'), Parent=Ref(2), MediaBox=A4, Resources=D(Font=D(F1=Ref(5))),
             Contents=Ref(4), Annots=[Ref(6)]),
        4: Stream({}, content),
        5: FONT,
        6: D(Type=N('Annot'), Subtype=N('Widget'), FT=N('Sig'), T=lit(b'Tanda tangan'),
             F=4, P=Ref(3), Rect=[350, 60, 550, 120], AP=D(N=Ref(7))),
        7: ap,
    }, file_id=b'5e1f0000000000000000000000000004')


# ---------------------------------------------------------------- signing

class Ctx:
    def __init__(self, out, teken, pki, fixtures, tmp):
        self.out, self.teken, self.pki, self.fixtures, self.tmp = out, teken, pki, fixtures, tmp
        self.manifest = []
        self.n = 0
        self.nss = None

    def t(self, name):
        return os.path.join(self.tmp, name)

    def fixture(self, name):
        with open(os.path.join(self.fixtures, name), 'rb') as fh:
            return fh.read()

    def tmpfile(self, data, suffix='.pdf'):
        self.n += 1
        path = self.t('in%03d%s' % (self.n, suffix))
        with open(path, 'wb') as fh:
            fh.write(data)
        return path

    def teken_sign(self, data, who='budi', *extra):
        src = self.tmpfile(data)
        dst = src[:-4] + '-signed.pdf'
        run([self.teken, 'sign', '--p12', os.path.join(self.pki, who + '.p12'),
             '--p12-password-file', os.path.join(self.pki, who + '.pass')]
            + list(extra) + ['-o', dst, src])
        with open(dst, 'rb') as fh:
            return fh.read()

    def cms(self, blob, who='budi'):
        src = self.tmpfile(blob, '.bin')
        dst = src + '.der'
        run(['openssl', 'cms', '-sign', '-binary', '-outform', 'DER',
             '-md', 'sha256', '-nosmimecap',
             '-signer', os.path.join(self.pki, who + '.pem'),
             '-inkey', os.path.join(self.pki, who + '.key'),
             '-certfile', os.path.join(self.pki, 'chain.pem'),
             '-in', src, '-out', dst])
        with open(dst, 'rb') as fh:
            return fh.read()

    def py_sign(self, data, who='budi', docmdp=None, field=b'Signature1', hexlen=16384):
        """Sign with openssl cms in an incremental update written here:
        adbe.pkcs7.detached, /Contents before /ByteRange (as poppler writes
        them), an invisible widget on page 1, and with docmdp=P a
        certification signature (/Reference DocMDP and the catalog's /Perms)."""
        pdf = Pdf(data)
        up = Update(pdf)
        root = pdf.root_ref
        cat = dict(pdf.catalog())
        pnum = pdf.pages()[0]
        page = dict(pdf.get(pnum))
        sig = up.new()
        wid = up.new(D(Type=N('Annot'), Subtype=N('Widget'), FT=N('Sig'), T=lit(field),
                       V=sig, F=132, P=Ref(pnum, pdf.gen(pnum)), Rect=[0, 0, 0, 0]))
        annots = page.get(b'Annots')
        if isinstance(annots, Ref):
            up.set(annots, list(pdf.get(annots)) + [wid])
        else:
            page[b'Annots'] = list(annots or []) + [wid]
            up.set(pnum, page)
        af = cat.get(b'AcroForm')
        afd = dict(pdf.resolve(af) or {})
        fields = afd.get(b'Fields', [])
        if isinstance(fields, Ref):
            up.set(fields, list(pdf.get(fields)) + [wid])
        else:
            afd[b'Fields'] = list(fields) + [wid]
        afd[b'SigFlags'] = 3
        if isinstance(af, Ref):
            up.set(af, afd)
        else:
            cat[b'AcroForm'] = afd
        ref = b''
        if docmdp:
            cat[b'Perms'] = D(DocMDP=sig)
            ref = (b' /Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams'
                   b' <</Type /TransformParams /P %d /V /1.2>>>>]' % docmdp)
        up.set(root, cat)
        br_width = 40
        up.objs[sig.num] = (
            b'<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached'
            b' /M (D:' + time.strftime('%Y%m%d%H%M%S', time.gmtime()).encode() + b"+00'00')"
            + ref + b' /Contents <' + b'0' * hexlen + b'> /ByteRange ['
            + b' ' * br_width + b']>>')
        out = bytearray(up.write())
        start = out.index(b'\n%d 0 obj\n<</Type /Sig' % sig.num, len(pdf.data) - 1)
        a = out.index(b'/Contents <', start) + 10
        b = a + hexlen + 2
        brs = out.index(b'/ByteRange [', b) + 12
        br = b'0 %d %d %d' % (a, b, len(out) - b)
        out[brs:brs + br_width] = br.ljust(br_width)
        der = self.cms(bytes(out[:a] + out[b:]), who)
        h = der.hex().encode()
        assert len(h) <= hexlen
        out[a + 1:a + 1 + len(h)] = h
        return bytes(out)

    def make_nss(self):
        """An NSS database for pdfsig: the test root trusted, Budi's key."""
        d = self.t('nss')
        os.mkdir(d)
        db = 'sql:' + d
        run(['certutil', '-N', '-d', db, '--empty-password'])
        run(['certutil', '-A', '-d', db, '-n', 'Teken Test Root CA', '-t', 'CT,C,C',
             '-i', os.path.join(self.pki, 'root.pem')])
        run(['certutil', '-A', '-d', db, '-n', 'Teken Test Issuing CA', '-t', ',,',
             '-i', os.path.join(self.pki, 'issuing-ca.pem')])
        pw = open(os.path.join(self.pki, 'budi.pass')).read().strip()
        pwfile = self.t('budi.pw')
        with open(pwfile, 'w') as fh:
            fh.write(pw)
        run(['pk12util', '-i', os.path.join(self.pki, 'budi.p12'), '-d', db, '-w', pwfile])
        self.nss = db

    def pdfsig_sign(self, data):
        src = self.tmpfile(data)
        dst = src[:-4] + '-pdfsig.pdf'
        run(['pdfsig', '-nssdir', self.nss, '-add-signature', '-nick', 'Budi Santoso',
             '-new-signature-field-name', 'Signature1', '-reason', 'Disetujui', src, dst])
        with open(dst, 'rb') as fh:
            return fh.read()

    def mutool_sign(self, data, who='budi'):
        src = self.tmpfile(data)
        dst = src[:-4] + '-mutool.pdf'
        pw = open(os.path.join(self.pki, who + '.pass')).read().strip()
        run(['mutool', 'sign', '-s', os.path.join(self.pki, who + '.p12'), '-P', pw,
             '-o', dst, src])
        with open(dst, 'rb') as fh:
            return fh.read()

    # ------------------------------------------------------------ checks

    def pdfsig(self, path):
        p = run(['pdfsig', '-nssdir', self.nss, path], ok=None)
        out = p.stdout.decode(errors='replace')
        if 'does not contain any signatures' in out:
            return 'unsigned', []
        parts = re.split(r'^Signature #\d+:', out, flags=re.M)[1:]
        if not parts:
            return 'error', [(out + p.stderr.decode(errors='replace')).strip()[:200]]
        detail, verdict = [], 'valid'
        for s in parts:
            if 'is not signed' in s:
                detail.append('unsigned signature field')
                continue
            m = re.search(r'Signature Validation: (.*)', s)
            v = m.group(1).strip() if m else 'no validation line'
            whole = ('not total document signed' if 'Not total document signed' in s
                     else 'total document signed' if 'Total document signed' in s else '')
            c = re.search(r'Certificate Validation: (.*)', s)
            detail.append('; '.join(x for x in (v, whole, c.group(1).strip() if c else '') if x))
            if v != 'Signature is Valid.':
                verdict = 'invalid'
        return verdict, detail

    def add(self, name, data, expect, attack, what, expect_status=None, signatures=1,
            problem=None, producer='teken', **extra):
        if expect_status is None:
            expect_status = ['valid'] if expect == 'valid' else ['modified']
        assert expect in ('valid', 'bad')
        assert (expect == 'valid') == (expect_status == ['valid'])
        assert not any(s in ('valid', 'untrusted') for s in expect_status) or expect == 'valid'
        assert name not in {e['file'] for e in self.manifest}
        path = os.path.join(self.out, name)
        with open(path, 'wb') as fh:
            fh.write(data)
        q = run(['qpdf', '--check', path], ok=None).returncode
        if q not in (0, 3):
            raise SystemExit('make-attacks: qpdf --check %s exits %d' % (name, q))
        verdict, detail = self.pdfsig(path)
        e = {'file': name, 'expect': expect, 'expect_status': expect_status, 'attack': attack,
             'what': what, 'trust': extra.pop('trust', TRUST), 'signatures': signatures,
             'expect_problem': problem, 'pdfsig': verdict, 'pdfsig_detail': detail,
             'qpdf_check_exit': q, 'producer': producer}
        e.update(extra)
        self.manifest.append(e)


# ---------------------------------------------------------------- attacks

def newest_sig(pdf):
    """The signature dictionary of the last signed field in /Fields."""
    sigs = pdf.sig_fields()
    return sigs[-1][1]


def replace_in_place(data, span, new):
    s, e = span
    assert len(new) <= e - s, (new, e - s)
    return data[:s] + new.ljust(e - s, b' ') + data[e:]


def usf(ctx, base, other_der):
    """Universal signature forgery: the signature dictionary's /Contents or
    /ByteRange missing, empty, null or malformed, each on its own file, once
    redefined in an incremental update and once rewritten in place."""
    pdf = Pdf(base)
    signum = newest_sig(pdf)
    lay = sig_layout(pdf, signum)
    a, b, c = lay['ranges'][1], lay['ranges'][2], lay['ranges'][3]
    gap = lay['contents'][1] - lay['contents'][0] - 2
    other_hex = other_der.hex().encode().ljust(gap, b'0')
    assert len(other_hex) == gap
    cases = [
        # name, key, new value (incremental), new bytes (in place), what, problem
        ('contents-removed', b'Contents', KeyError, b'',
         '/Contents removed from the signature dictionary', 'Contents'),
        ('contents-empty', b'Contents', Hex(b''), b'/Contents <>',
         '/Contents <> (empty)', 'Contents'),
        ('contents-null', b'Contents', None, b'/Contents null',
         '/Contents null', 'Contents'),
        ('byterange-removed', b'ByteRange', KeyError, b'',
         '/ByteRange removed from the signature dictionary', 'ByteRange'),
        ('byterange-null', b'ByteRange', None, b'/ByteRange null',
         '/ByteRange null', 'ByteRange'),
        ('byterange-zero', b'ByteRange', [0, 0, 0, 0], b'/ByteRange [0 0 0 0]',
         '/ByteRange [0 0 0 0]', 'ByteRange'),
        ('byterange-types', b'ByteRange', [0, N('a'), 1, 2], b'/ByteRange [0 /a 1 2]',
         '/ByteRange with a name among the numbers ([0 /a 1 2])', 'ByteRange'),
        ('byterange-negative', b'ByteRange', [0, a, -b, c], b'/ByteRange [0 %d -%d %d]' % (a, b, c),
         '/ByteRange with a negative offset ([0 a -b c])', 'ByteRange'),
        ('byterange-beyond-eof', b'ByteRange', [0, a, b, c + 1000000],
         b'/ByteRange [0 %d %d %d]' % (a, b, c + 1000000),
         '/ByteRange whose second range runs 1000000 bytes past the end of the file',
         'ByteRange'),
        ('contents-other-cms', b'Contents', Hex(other_hex), None,
         '/Contents holds a valid CMS by the same signer over another document',
         ['digest', 'Contents']),
    ]
    sigd = pdf.get(signum)
    for name, key, value, inplace, what, problem in cases:
        # incremental: the signature dictionary redefined in a new revision
        d = dict(sigd)
        if value is KeyError:
            del d[key]
        else:
            d[key] = value
        up = Update(pdf)
        up.set(signum, d)
        ctx.add('usf-%s-incremental.pdf' % name, up.write(), 'bad', 'usf',
                what + '; the signature dictionary redefined in an incremental update',
                ['invalid'], problem=problem, method='incremental')
        # in place: the signed revision itself rewritten, lengths kept
        if key == b'Contents':
            span = lay['contents_key']
            if inplace is None:
                new = base[span[0]:lay['contents'][0]] + b'<' + other_hex + b'>'
            else:
                new = inplace
        else:
            span = lay['byterange_key']
            new = inplace
        ctx.add('usf-%s-inplace.pdf' % name, replace_in_place(base, span, new), 'bad', 'usf',
                what + '; rewritten in place in the signed revision (byte layout kept)',
                ['invalid'], problem=problem, method='in-place')


def content_ref(pdf, pnum):
    c = pdf.get(pnum)[b'Contents']
    return c if isinstance(c, Ref) else c[0]


def isa(ctx, base, name_prefix='isa', what_base='hand-minimal.pdf signed by teken'):
    """Incremental saving: updates after the signed revision."""
    pdf = Pdf(base)
    pnum = pdf.pages()[0]
    page = pdf.get(pnum)
    cref = content_ref(pdf, pnum)
    evil = (b'q 0.6 0.1 0.1 RG 2 w 18 18 559 806 re S Q\n'
            + text(54, 746, b'Surat Keputusan - DIBATALKAN', 24)
            + text(54, 722, b'Isi diganti setelah ditandatangani', 11))

    up = Update(pdf)
    up.set(cref, Stream({}, evil))
    ctx.add('%s-content.pdf' % name_prefix, up.write(), 'bad', 'isa',
            what_base + '; an incremental update replaces the page content stream',
            ['modified'], problem='content')

    up = Update(pdf)
    pages_ref = pdf.catalog()[b'Pages']
    pages = dict(pdf.get(pages_ref))
    c2 = up.new(Stream({}, evil))
    p2 = up.new(D(Type=N('Page'), Parent=pages_ref, MediaBox=A4,
                  Resources=page.get(b'Resources'), Contents=c2))
    pages[b'Kids'] = list(pdf.resolve(pages[b'Kids'])) + [p2]
    pages[b'Count'] = pages[b'Count'] + 1
    up.set(pages_ref, pages)
    ctx.add('%s-add-page.pdf' % name_prefix, up.write(), 'bad', 'isa',
            what_base + '; an incremental update adds a page', ['modified'], problem='page')

    for keep_form in (True, False):
        up = Update(pdf)
        cat = dict(pdf.catalog())
        c3 = up.new(Stream({}, evil))
        pg = up.new()
        np = up.new(D(Type=N('Pages'), Kids=[pg], Count=1))
        up.objs[pg.num] = D(Type=N('Page'), Parent=np, MediaBox=A4,
                            Resources=page.get(b'Resources'), Contents=c3)
        cat[b'Pages'] = np
        if not keep_form:
            del cat[b'AcroForm']
        newcat = up.new(cat)
        if keep_form:
            ctx.add('%s-new-catalog.pdf' % name_prefix, up.write(up.trailer(Root=newcat)),
                    'bad', 'isa', what_base + '; an incremental update points the trailer '
                    '/Root at a new catalog (same /AcroForm) with another page tree',
                    ['modified'], problem='catalog')
        else:
            ctx.add('%s-new-catalog-no-acroform.pdf' % name_prefix,
                    up.write(up.trailer(Root=newcat)), 'bad', 'isa',
                    what_base + '; an incremental update points the trailer /Root at a new '
                    'catalog without /AcroForm (the signature is only reachable through the '
                    'signed revision) and another page tree',
                    ['invalid', 'modified'], problem='catalog')

    # Objects appended after %%EOF without xref or trailer: only a reader that
    # repairs the cross-reference table sees them.  Long enough that the last
    # startxref is far from the end, so qpdf has to reconstruct.
    body = (b'%d %d obj\n' % (cref.num, cref.gen) + ser(Stream({}, evil)) + b'\nendobj\n'
            + b'% ' + b'padding ' * 160 + b'\n')
    ctx.add('%s-no-xref.pdf' % name_prefix, base + body, 'bad', 'isa',
            what_base + '; the content stream redefined by an object appended after %%EOF '
            'with no xref section or trailer (seen only by a repairing reader)',
            ['modified'], problem='added')

    # The same without the padding: qpdf still reads the signed revision.
    ctx.add('%s-no-xref-short.pdf' % name_prefix,
            base + b'%d %d obj\n' % (cref.num, cref.gen) + ser(Stream({}, evil)) + b'\nendobj\n',
            'bad', 'isa', what_base + '; a short redefinition of the content stream appended '
            'after %%EOF, no xref section, no trailer', ['modified'], problem='added')

    font_ref = pdf.resolve(page[b'Resources'])[b'Font'][b'F1']
    up = Update(pdf)
    up.set(font_ref, D(Type=N('Font'), Subtype=N('Type1'), BaseFont=N('Courier-Oblique'),
                       Encoding=N('WinAnsiEncoding')))
    ctx.add('%s-font.pdf' % name_prefix, up.write(), 'bad', 'isa',
            what_base + '; an incremental update redefines the font /F1 (Helvetica to '
            'Courier-Oblique)', ['modified'], problem='font')


def swa(ctx, base, name, what, new_content, producer):
    """Signature wrapping: shrink /Contents to the CMS, write a new /ByteRange
    whose second range starts further on, move the original second range
    there, and fill the gap with the rest of the signature dictionary, a new
    xref section at the old xref offset (which the moved startxref still
    names) and, after it, a new content stream for page 1."""
    pdf = Pdf(base)
    signum = newest_sig(pdf)
    lay = sig_layout(pdf, signum)
    a, b = lay['contents']
    c = len(base) - b
    assert lay['ranges'] == [0, a, b, c], lay['ranges']
    X = pdf.startxref
    obj_end = lay['obj'][1]
    assert X > obj_end > b
    hexs = b'<' + lay['der'].hex().encode() + b'>'
    brk, brv = lay['byterange_key'], lay['byterange']
    if brk[0] >= b:
        # /ByteRange after /Contents: rewrite its value, keeping its width
        W = brv[1] - brv[0] - 2
        tail = base[b:brv[0]] + b'[' + b'@' * W + b']' + base[brv[1]:obj_end]
    else:
        # /ByteRange before /Contents (signed): add a second /ByteRange key
        W = 40
        tail = b' /ByteRange [' + b'@' * W + b']' + base[b:obj_end]
    head = hexs + tail + b'\n'
    assert a + len(head) <= X, 'no room in the gap'
    # The new xref section: the last revision's objects (those in the second
    # signed range at their moved offsets) and the new content stream, which
    # follows the section; the old trailer, so the same /Prev.
    last = pdf.section_objs[X]
    cref = content_ref(pdf, pdf.pages()[0])
    t_s = base.index(b'trailer', X)
    trailer = base[t_s:base.index(b'startxref', t_s)]
    nums = set(last) | {cref.num}
    xr_len = len(xref_table({n: 0 for n in nums})) + len(trailer)
    obj_off = X + xr_len
    objs = (b'%d %d obj\n' % (cref.num, cref.gen) + ser(Stream({}, new_content))
            + b'\nendobj\n')
    B2 = obj_off + len(objs) + 16
    entries = {n: (o if o < a else o + B2 - b, g) for n, (o, g) in last.items()}
    entries[cref.num] = (obj_off, cref.gen)
    xr = xref_table({n: o for n, (o, g) in entries.items()},
                    {n: g for n, (o, g) in entries.items()}) + trailer
    assert len(xr) == xr_len
    br = b'0 %d %d %d' % (a, B2, c)
    assert len(br) <= W
    head = head.replace(b'@' * W, br.ljust(W))
    gap = head + b'\n' * (X - a - len(head)) + xr + objs
    gap += b'\n' * (B2 - a - len(gap))
    out = base[:a] + gap + base[b:]
    assert len(out) == B2 + c
    assert out[:a] + out[B2:] == base[:a] + base[b:]
    assert out.index(b'xref', X) == X
    ctx.add(name, out, 'bad', 'swa', what, ['invalid'], problem='ByteRange',
            producer=producer)


def form_fill(pdf, up, field_num, ap_num, value):
    f = dict(pdf.get(field_num))
    f[b'V'] = lit(value)
    up.set(field_num, f)
    ap = pdf.get(ap_num)
    content = (b'/Tx BMC q 0 0 0 RG 0.5 0.5 239 25 re S BT /Helv 12 Tf 0 g 4 8 Td ('
               + value + b') Tj ET Q EMC\n')
    up.set(ap_num, Stream(ap.dict, content))


def add_annotation(pdf, up, kind='text'):
    """Add an annotation to page 1: a sticky note ("text"), or a FreeText
    whose opaque appearance covers the document's second line ("evil")."""
    pnum = pdf.pages()[0]
    page = dict(pdf.get(pnum))
    if kind == 'text':
        annot = up.new(D(Type=N('Annot'), Subtype=N('Text'), Rect=[500, 760, 520, 780],
                         Contents=lit(b'Sudah diperiksa'), T=lit(b'Siti'), F=4,
                         P=Ref(pnum, pdf.gen(pnum)), Name=N('Comment'), Open=False))
    else:
        ap = up.new(Stream(D(Type=N('XObject'), Subtype=N('Form'), BBox=[0, 0, 400, 30],
                             Resources=D(Font=D(F1=Ref(5)))),
                           b'1 1 1 rg 0 0 400 30 re f 0 g\n'
                           + text(2, 10, b'DIBATALKAN - tidak berlaku')))
        annot = up.new(D(Type=N('Annot'), Subtype=N('FreeText'), Rect=[50, 710, 450, 740],
                         Contents=lit(b'DIBATALKAN - tidak berlaku'), F=4,
                         DA=lit(b'/Helv 12 Tf 0 g'), P=Ref(pnum, pdf.gen(pnum)),
                         AP=D(N=ap), BS=D(W=0)))
    annots = page.get(b'Annots')
    if isinstance(annots, Ref):
        up.set(annots, list(pdf.get(annots)) + [annot])
    else:
        page[b'Annots'] = list(annots or []) + [annot]
        up.set(pnum, page)


def sneaky_signature(pdf, up):
    """An empty signature field whose widget's visible appearance covers
    the text field's value on the page with another number."""
    pnum = pdf.pages()[0]
    page = dict(pdf.get(pnum))
    ap = up.new(Stream(D(Type=N('XObject'), Subtype=N('Form'), BBox=[0, 0, 240, 26],
                         Resources=D(Font=D(F1=Ref(5)))),
                       b'1 1 1 rg 0 0 240 26 re f 0 0 0 RG 0 g 0.5 0.5 239 25 re S\n'
                       + text(4, 8, b'999/999/KEP/2024')))
    w = up.new(D(Type=N('Annot'), Subtype=N('Widget'), FT=N('Sig'), T=lit(b'Signature2'),
                 F=4, P=Ref(pnum, pdf.gen(pnum)), Rect=[160, 630, 400, 656], AP=D(N=ap)))
    page[b'Annots'] = list(pdf.resolve(page.get(b'Annots', []))) + [w]
    up.set(pnum, page)
    af_ref = pdf.catalog()[b'AcroForm']
    af = dict(pdf.get(af_ref))
    af[b'Fields'] = list(af[b'Fields']) + [w]
    up.set(af_ref, af)


def find_field(pdf, name):
    af = pdf.resolve(pdf.catalog()[b'AcroForm'])
    for f in pdf.resolve(af[b'Fields']):
        if pdf.get(f)[b'T'] == name:
            return f.num
    raise KeyError(name)


# ---------------------------------------------------------------- main

def generate(ctx):
    minimal = ctx.fixture('hand-minimal.pdf')
    acroform = ctx.fixture('hand-acroform.pdf')
    ctx.make_nss()

    # ---- no false alarms
    signed = ctx.teken_sign(minimal)
    ctx.add('ok-teken.pdf', signed, 'valid', 'none',
            'hand-minimal.pdf signed by teken (PAdES, invisible)')
    ctx.add('ok-teken-pkcs7.pdf', ctx.teken_sign(minimal, 'budi', '--subfilter', 'pkcs7'),
            'valid', 'none', 'hand-minimal.pdf signed by teken, adbe.pkcs7.detached')
    ctx.add('ok-teken-visible-cairo.pdf',
            ctx.teken_sign(ctx.fixture('cairo-a4.pdf'), 'dewi', '--rect', '300,650,220,80',
                           '--page', '2', '--reason', 'Disetujui'),
            'valid', 'none', 'cairo-a4.pdf signed by teken as Dewi (EC P-256), visible on page 2')
    ctx.add('ok-teken-objstm.pdf', ctx.teken_sign(ctx.fixture('qpdf-objstm.pdf')),
            'valid', 'none', 'qpdf-objstm.pdf (xref stream, object streams) signed by teken')
    ctx.add('ok-teken-incremental.pdf', ctx.teken_sign(ctx.fixture('hand-incremental.pdf')),
            'valid', 'none', 'hand-incremental.pdf (3 revisions, a freed object) signed by teken')
    twice = ctx.teken_sign(signed, 'siti')
    ctx.add('ok-teken-twice.pdf', twice, 'valid', 'none',
            'hand-minimal.pdf signed by teken as Budi, then as Siti (two approval signatures)',
            signatures=2)

    pdf = Pdf(signed)
    up = Update(pdf)
    cat = dict(pdf.catalog())
    with open(os.path.join(ctx.pki, 'root.pem')) as fh:
        pem = fh.read()
    root_der = run(['openssl', 'x509', '-outform', 'DER'], input=pem.encode()).stdout
    issuing_der = run(['openssl', 'x509', '-outform', 'DER', '-in',
                       os.path.join(ctx.pki, 'issuing-ca.pem')]).stdout
    c1 = up.new(Stream({}, root_der))
    c2 = up.new(Stream({}, issuing_der))
    cat[b'DSS'] = up.new(D(Certs=[c1, c2]))
    up.set(pdf.root_ref, cat)
    ctx.add('ok-teken-dss.pdf', up.write(), 'valid', 'none',
            'hand-minimal.pdf signed by teken, then an incremental update adding a /DSS with '
            '/Certs (the root and issuing CA certificates)')

    acro_signed = ctx.teken_sign(acroform)
    pdf = Pdf(acro_signed)
    up = Update(pdf)
    fnum = find_field(pdf, b'nomor_surat')
    form_fill(pdf, up, fnum, pdf.get(fnum)[b'AP'][b'N'].num, b'999/999/KEP/2024')
    ctx.add('shadow-replace-form-fill.pdf', up.write(), 'valid', 'shadow-replace',
            'hand-acroform.pdf approval-signed by teken (no DocMDP), then the text field\'s '
            'value and appearance changed in an update: form filling, which an approval '
            'signature allows')

    ps_min = ctx.pdfsig_sign(minimal)
    ctx.add('ok-pdfsig.pdf', ps_min, 'valid', 'none',
            'hand-minimal.pdf signed by pdfsig -add-signature (NSS, adbe.pkcs7.detached)',
            producer='pdfsig')
    ctx.add('ok-pdfsig-objstm.pdf', ctx.pdfsig_sign(ctx.fixture('qpdf-objstm.pdf')), 'valid',
            'none', 'qpdf-objstm.pdf (xref stream) signed by pdfsig -add-signature',
            producer='pdfsig')
    ctx.add('ok-mutool.pdf', ctx.mutool_sign(doc_empty_sigfield()), 'valid', 'none',
            'a document with an empty signature field signed by mutool sign (SHA-1 digest)',
            producer='mutool', weak_digest=True,
            # mutool embeds only the signer's certificate: its issuer is the anchor.
            trust=['root.pem', 'issuing-ca.pem'])
    py = ctx.py_sign(minimal)
    ctx.add('ok-openssl.pdf', py, 'valid', 'none',
            'hand-minimal.pdf signed here with openssl cms (adbe.pkcs7.detached, /Contents '
            'before /ByteRange)', producer='openssl')

    # ---- USF
    other = ctx.teken_sign(ctx.fixture('cairo-a4.pdf'))
    other_pdf = Pdf(other)
    other_der = sig_layout(other_pdf, newest_sig(other_pdf))['der']
    usf(ctx, signed, other_der)

    # ---- ISA
    isa(ctx, signed)

    # after two signatures, and between two signatures
    evil_content = (b'q 0.6 0.1 0.1 RG 2 w 18 18 559 806 re S Q\n'
                    + text(54, 746, b'Surat Keputusan - DIBATALKAN', 24))
    pdf = Pdf(twice)
    up = Update(pdf)
    up.set(content_ref(pdf, pdf.pages()[0]), Stream({}, evil_content))
    ctx.add('isa-content-after-two-signatures.pdf', up.write(), 'bad', 'isa',
            'ok-teken-twice.pdf (Budi, then Siti); an incremental update replaces the page '
            'content: both signatures are affected', ['modified'], signatures=2,
            problem='content')
    pdf = Pdf(signed)
    up = Update(pdf)
    up.set(content_ref(pdf, pdf.pages()[0]), Stream({}, evil_content))
    ctx.add('isa-content-then-signed.pdf', ctx.teken_sign(up.write(), 'siti'), 'bad', 'isa',
            'ok-teken.pdf; an incremental update replaces the page content, then Siti signs '
            'with teken: her signature is fine, Budi\'s covers a document changed since',
            ['modified'], signatures=2, problem='content')
    pdf = Pdf(ps_min)
    up = Update(pdf)
    up.set(content_ref(pdf, pdf.pages()[0]), Stream({}, evil_content))
    ctx.add('isa-content-pdfsig.pdf', up.write(), 'bad', 'isa',
            'ok-pdfsig.pdf; an incremental update replaces the page content',
            ['modified'], problem='content', producer='pdfsig')

    # ---- SWA
    evil = (LETTER_HEAD.replace(b'Surat Perintah', b'SURAT PALSU')
            + text(54, 680, b'Jumlah: Rp 950.000.000'))
    swa(ctx, ps_min, 'swa-pdfsig.pdf',
        'hand-minimal.pdf signed by pdfsig (/ByteRange after /Contents); signature wrapping: '
        '/Contents shrunk to the CMS, new /ByteRange, the second signed range moved, a new '
        'content stream and xref section in the freed gap', evil, 'pdfsig')
    swa(ctx, py, 'swa-openssl.pdf',
        'hand-minimal.pdf signed here (openssl cms, /ByteRange after /Contents); signature '
        'wrapping as in swa-pdfsig.pdf', evil, 'openssl')
    swa(ctx, signed, 'swa-teken-duplicate-byterange.pdf',
        'hand-minimal.pdf signed by teken (/ByteRange before /Contents); signature wrapping '
        'with a second /ByteRange key written after the shrunk /Contents (later key wins), '
        'the second signed range moved, new content and xref in the gap', evil, 'teken')

    # ---- shadow attacks
    hide = ctx.teken_sign(doc_shadow_hide())
    ctx.add('shadow-hide-signed.pdf', hide, 'valid', 'none',
            'a document whose note line is hidden under a white form XObject overlay '
            '(object 7, referenced from the page resources), signed by teken; not attacked')
    pdf = Pdf(hide)
    up = Update(pdf)
    ov = pdf.get(7)
    up.set(7, Stream(ov.dict, b''))
    ctx.add('shadow-hide-overlay-emptied.pdf', up.write(), 'bad', 'shadow-hide',
            'shadow-hide-signed.pdf; the update redefines the white overlay XObject (object 7) '
            'as empty, revealing the hidden note', ['modified'], problem='XObject')
    up = Update(pdf)
    res = dict(pdf.get(6))
    empty = up.new(Stream(ov.dict, b''))
    res[b'XObject'] = D(Ov=empty)
    up.set(6, res)
    ctx.add('shadow-hide-resources.pdf', up.write(), 'bad', 'shadow-hide',
            'shadow-hide-signed.pdf; the update changes the page resources (object 6) so /Ov '
            'names a new, empty XObject, revealing the hidden note', ['modified'],
            problem='resources')

    overlay = ctx.teken_sign(doc_shadow_overlay())
    ctx.add('shadow-overlay-signed.pdf', overlay, 'valid', 'none',
            'a document whose amount is drawn by a form XObject overlay (object 7), signed '
            'by teken; not attacked')
    pdf = Pdf(overlay)
    up = Update(pdf)
    up.set(7, Stream(pdf.get(7).dict, text(104, 680, b'Rp 950.000.000')))
    ctx.add('shadow-replace-overlay.pdf', up.write(), 'bad', 'shadow-replace',
            'shadow-overlay-signed.pdf; the update replaces the overlay XObject\'s content: '
            'the amount shown changes', ['modified'], problem='XObject')
    up = Update(pdf)
    up.set(5, D(Type=N('Font'), Subtype=N('Type1'), BaseFont=N('Helvetica'),
                Encoding=D(Type=N('Encoding'), BaseEncoding=N('WinAnsiEncoding'),
                           Differences=[49, N('nine')])))
    ctx.add('shadow-replace-font.pdf', up.write(), 'bad', 'shadow-replace',
            'shadow-overlay-signed.pdf; the update redefines the font with /Differences '
            '[49 /nine]: every "1" is shown as "9" (Rp 1.500.000 reads Rp 9.500.000)',
            ['modified'], problem='font')

    hr = ctx.teken_sign(doc_shadow_hide_and_replace())
    ctx.add('shadow-hide-and-replace-signed.pdf', hr, 'valid', 'none',
            'a document carrying an unreferenced alternative content stream (8) and page '
            'tree (9 -> page 10), signed by teken; not attacked')
    pdf = Pdf(hr)
    pnum = pdf.pages()[0]
    up = Update(pdf)
    page = dict(pdf.get(pnum))
    page[b'Contents'] = Ref(8)
    up.set(pnum, page)
    ctx.add('shadow-hide-and-replace-contents.pdf', up.write(), 'bad',
            'shadow-hide-and-replace', 'shadow-hide-and-replace-signed.pdf; the update only '
            'points the page\'s /Contents at the hidden stream 8', ['modified'],
            problem='content')
    up = Update(pdf)
    cat = dict(pdf.catalog())
    cat[b'Pages'] = Ref(9)
    up.set(pdf.root_ref, cat)
    ctx.add('shadow-hide-and-replace-pages.pdf', up.write(), 'bad',
            'shadow-hide-and-replace', 'shadow-hide-and-replace-signed.pdf; the update only '
            'points the catalog\'s /Pages at the hidden page tree 9', ['modified'],
            problem='page')

    # ---- certification (DocMDP), signed here with openssl cms
    cert = {}
    for p, src, label in ((1, minimal, 'hand-minimal.pdf'), (2, acroform, 'hand-acroform.pdf'),
                          (3, minimal, 'hand-minimal.pdf')):
        cert[p] = ctx.py_sign(src, docmdp=p, field=b'Certification')
        ctx.add('cert-p%d.pdf' % p, cert[p], 'valid', 'none',
                '%s certified (DocMDP P=%d) by Budi, signed here with openssl cms; '
                'unchanged' % (label, p), producer='openssl')

    def cert_case(name, p, change, expect, what, problem=None, signatures=1, **extra):
        pdf = Pdf(cert[p])
        up = Update(pdf)
        change(pdf, up)
        ctx.add(name, up.write(), expect, 'certification' if expect == 'bad' else 'none',
                'cert-p%d.pdf; %s' % (p, what),
                ['modified'] if expect == 'bad' else None, problem=problem,
                signatures=signatures, producer='openssl', **extra)

    def fill(pdf, up):
        f = find_field(pdf, b'nomor_surat')
        form_fill(pdf, up, f, pdf.get(f)[b'AP'][b'N'].num, b'999/999/KEP/2024')

    cert_case('cert-p1-annotation.pdf', 1, add_annotation, 'bad',
              'a sticky-note annotation added in an update: P=1 allows no change',
              problem='annotation')
    cert_case('cert-p2-form-fill.pdf', 2, fill, 'valid',
              'the text field filled in an update (value and appearance): P=2 allows it')
    cert_case('cert-p2-annotation.pdf', 2, add_annotation, 'bad',
              'a sticky-note annotation added in an update: P=2 does not allow annotations',
              problem='annotation')
    cert_case('cert-p3-annotation.pdf', 3, add_annotation, 'valid',
              'a sticky-note annotation added in an update: P=3 allows it')
    cert_case('cert-p2-sneaky-signature.pdf', 2, sneaky_signature, 'bad',
              '"sneaky signature": an update adds an empty signature field whose visible, '
              'opaque appearance covers the text field\'s value with another number',
              problem='signature')
    cert_case('cert-p3-evil-annotation.pdf', 3, lambda pdf, up: add_annotation(pdf, up, 'evil'),
              'bad', '"evil annotation": an update adds a FreeText annotation whose opaque '
              'appearance covers the document\'s text with "DIBATALKAN" (P=3 allows '
              'annotations, but not ones that rewrite what the page shows)',
              problem='annotation', strict=True)
    # A second, approval signature after certification: allowed at P=2, not at P=1.
    ctx.add('cert-p2-then-signed.pdf', ctx.teken_sign(cert[2], 'siti'), 'valid', 'none',
            'cert-p2.pdf then approval-signed by Siti with teken sign: P=2 allows signing',
            signatures=2, producer='openssl')
    # (signed here, not by teken sign, which may rightly refuse to sign at P=1)
    ctx.add('cert-p1-then-signed.pdf', ctx.py_sign(cert[1], 'siti', field=b'Signature2'),
            'bad', 'certification',
            'cert-p1.pdf then approval-signed by Siti (openssl cms): P=1 allows no change, '
            'not even a signature (the certification signature is the one that fails)',
            ['modified'], signatures=2, problem='signature', producer='openssl')


def main(argv):
    args = argv[1:]
    opts = {}
    for key in ('--teken', '--pki', '--fixtures', '--stamp'):
        if key in args:
            i = args.index(key)
            opts[key] = os.path.abspath(args[i + 1])
            del args[i:i + 2]
    if len(args) != 1 or not all(k in opts for k in ('--teken', '--pki', '--fixtures')):
        sys.stderr.write('usage: make-attacks.py OUTDIR --teken TEKEN_BIN --pki PKIDIR '
                         '--fixtures FIXTURESDIR [--stamp FILE]\n')
        return 2
    out = os.path.abspath(args[0])
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix='.verify-corpus.', dir=parent)
    try:
        os.mkdir(os.path.join(work, 'corpus'))
        os.mkdir(os.path.join(work, 'tmp'))
        ctx = Ctx(os.path.join(work, 'corpus'), opts['--teken'], opts['--pki'],
                  opts['--fixtures'], os.path.join(work, 'tmp'))
        generate(ctx)
        with open(os.path.join(ctx.out, 'manifest.json'), 'w') as fh:
            json.dump(ctx.manifest, fh, indent=1)
            fh.write('\n')
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.rename(ctx.out, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if '--stamp' in opts:
        with open(opts['--stamp'], 'w') as fh:
            fh.write('%d files\n' % len(ctx.manifest))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
