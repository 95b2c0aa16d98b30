# SPDX-License-Identifier: GPL-3.0-or-later
"""Just enough PDF, byte by byte, to attack signed files (stdlib only).

- a tokenizer/parser for PDF objects that keeps literal strings, hex strings,
  names and reals as they were written, and a serializer for them;
- Pdf: a file's classic cross-reference tables followed through /Prev (the
  newest entry wins), its trailer, and access to objects and their byte spans;
- Update: an incremental update (objects, an xref table with subsections,
  a trailer with /Prev, startxref, %%EOF) appended to a file;
- build(): a whole file from numbered objects, with one classic xref table.

Cross-reference streams are read only far enough to say they are there: the
attacks work on files with classic tables.
"""

import re

WS = b'\x00\t\n\x0c\r '
DELIM = b'()<>[]{}/%'


class Name(bytes):
    """A name, without the slash, as written (# escapes kept)."""


class Real(bytes):
    """A real number, as written."""


class Lit(bytes):
    """A literal string: the bytes between the outer parentheses, as written."""


class Hex(bytes):
    """A hex string: the bytes between < and >, as written."""


class Ref(tuple):
    def __new__(cls, num, gen=0):
        return tuple.__new__(cls, (num, gen))

    @property
    def num(self):
        return self[0]

    @property
    def gen(self):
        return self[1]


class Stream:
    def __init__(self, d, data):
        self.dict = d
        self.data = data


class Keyword(bytes):
    pass


class PdfError(Exception):
    pass


def lit(text):
    """A literal string from text (latin-1), escaping what needs it."""
    if isinstance(text, str):
        text = text.encode('latin-1')
    return Lit(text.replace(b'\\', b'\\\\').replace(b'(', b'\\(').replace(b')', b'\\)'))


# ---------------------------------------------------------------- parsing

def skip_ws(data, i):
    n = len(data)
    while i < n:
        c = data[i]
        if c in WS:
            i += 1
        elif c == 0x25:                         # % comment
            while i < n and data[i] not in b'\r\n':
                i += 1
        else:
            break
    return i


def token_end(data, i):
    n = len(data)
    while i < n and data[i] not in WS and data[i] not in DELIM:
        i += 1
    return i


NUM_RE = re.compile(rb'[+-]?(\d+\.?\d*|\.\d+)$')


def parse(data, i):
    """Parse one object at data[i:]; returns (value, end)."""
    i = skip_ws(data, i)
    if i >= len(data):
        raise PdfError('end of data')
    c = data[i:i + 1]
    if c == b'/':
        j = token_end(data, i + 1)
        return Name(data[i + 1:j]), j
    if data.startswith(b'<<', i):
        d = {}
        i += 2
        while True:
            i = skip_ws(data, i)
            if data.startswith(b'>>', i):
                return d, i + 2
            k, i = parse(data, i)
            if not isinstance(k, Name):
                raise PdfError('dictionary key is not a name at %d' % i)
            v, i = parse(data, i)
            d[k] = v                            # a later duplicate key wins
    if c == b'<':
        j = data.index(b'>', i)
        return Hex(data[i + 1:j]), j + 1
    if c == b'[':
        a = []
        i += 1
        while True:
            i = skip_ws(data, i)
            if data.startswith(b']', i):
                return a, i + 1
            v, i = parse(data, i)
            a.append(v)
    if c == b'(':
        depth, j = 1, i + 1
        while depth:
            ch = data[j]
            if ch == 0x5c:
                j += 2
                continue
            if ch == 0x28:
                depth += 1
            elif ch == 0x29:
                depth -= 1
            j += 1
        return Lit(data[i + 1:j - 1]), j
    j = token_end(data, i)
    tok = data[i:j]
    if not tok:
        raise PdfError('unexpected %r at %d' % (data[i:i + 1], i))
    if NUM_RE.match(tok):
        if b'.' in tok:
            return Real(tok), j
        v = int(tok)
        # "N G R"?
        m = re.compile(rb'\s+(\d+)\s+R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])').match(data, j)
        if m and v >= 0:
            return Ref(v, int(m.group(1))), m.end()
        return v, j
    if tok == b'true':
        return True, j
    if tok == b'false':
        return False, j
    if tok == b'null':
        return None, j
    return Keyword(tok), j


# ---------------------------------------------------------------- writing

def ser(v):
    if v is None:
        return b'null'
    if v is True:
        return b'true'
    if v is False:
        return b'false'
    if isinstance(v, Name):
        return b'/' + v
    if isinstance(v, Lit):
        return b'(' + v + b')'
    if isinstance(v, Hex):
        return b'<' + v + b'>'
    if isinstance(v, (Real, Keyword)):
        return bytes(v)
    if isinstance(v, Ref):
        return b'%d %d R' % (v[0], v[1])
    if isinstance(v, bool):
        raise AssertionError
    if isinstance(v, int):
        return b'%d' % v
    if isinstance(v, float):
        return (b'%.4f' % v).rstrip(b'0').rstrip(b'.')
    if isinstance(v, dict):
        return b'<<' + b' '.join(ser(Name(k)) + b' ' + ser(x) for k, x in v.items()) + b'>>'
    if isinstance(v, list):
        return b'[' + b' '.join(ser(x) for x in v) + b']'
    if isinstance(v, Stream):
        d = dict(v.dict)
        d[Name(b'Length')] = len(v.data)
        return ser(d) + b'\nstream\n' + v.data + b'\nendstream'
    if isinstance(v, bytes):                    # raw, already serialized
        return v
    raise TypeError(type(v))


def N(s):
    return Name(s.encode() if isinstance(s, str) else s)


def D(**kw):
    """A dictionary from keyword arguments: D(Type=N('Page'))."""
    return {Name(k.encode()): v for k, v in kw.items()}


# ---------------------------------------------------------------- files

OBJ_RE = re.compile(rb'(\d+)\s+(\d+)\s+obj\b')


class Pdf:
    def __init__(self, data):
        self.data = bytes(data)
        self.xref = {}          # num -> (offset, gen), newest revision wins
        self.sections = []      # xref section offsets, newest first
        self.section_objs = {}  # section offset -> {num: (offset, gen)} in use
        m = list(re.finditer(rb'startxref\s+(\d+)', self.data[-2048:]))
        if not m:
            raise PdfError('no startxref')
        self.startxref = int(m[-1].group(1))
        self.trailer = None
        off, seen = self.startxref, set()
        while off is not None and off not in seen:
            seen.add(off)
            self.sections.append(off)
            t = self._read_section(off)
            if self.trailer is None:
                self.trailer = t
            prev = t.get(b'Prev')
            off = prev if isinstance(prev, int) else None

    def _read_section(self, off):
        d = self.data
        i = skip_ws(d, off)
        if not d.startswith(b'xref', i):
            raise PdfError('no classic xref table at %d (cross-reference stream?)' % off)
        i += 4
        objs = self.section_objs.setdefault(off, {})
        while True:
            i = skip_ws(d, i)
            if d.startswith(b'trailer', i):
                t, _ = parse(d, i + 7)
                return t
            start, i = parse(d, i)
            count, i = parse(d, i)
            for k in range(count):
                o, i = parse(d, i)
                g, i = parse(d, i)
                kind, i = parse(d, i)
                num = start + k
                if kind == b'n':
                    objs[num] = (o, g)
                if num not in self.xref:
                    self.xref[num] = (o, g) if kind == b'n' else None

    @property
    def size(self):
        return self.trailer[b'Size']

    def span(self, num):
        """(start, end) of "num gen obj ... endobj" in the file."""
        off, gen = self.xref[num]
        m = OBJ_RE.match(self.data, off)
        if not m or int(m.group(1)) != num:
            raise PdfError('object %d not at %d' % (num, off))
        v, i = parse(self.data, m.end())
        i = skip_ws(self.data, i)
        if self.data.startswith(b'stream', i):
            i = self._stream_end(v, i)
            i = skip_ws(self.data, i)
        if not self.data.startswith(b'endobj', i):
            raise PdfError('no endobj for %d' % num)
        return off, i + 6

    def _stream_data(self, d, i):
        i += 6
        if self.data.startswith(b'\r\n', i):
            i += 2
        elif self.data[i:i + 1] in (b'\n', b'\r'):
            i += 1
        n = d.get(b'Length')
        if isinstance(n, Ref):
            n = self.get(n.num)
        return i, i + n

    def _stream_end(self, d, i):
        _, e = self._stream_data(d, i)
        e = skip_ws(self.data, e)
        if not self.data.startswith(b'endstream', e):
            raise PdfError('bad stream length')
        return e + 9

    def get(self, num):
        if isinstance(num, Ref):
            num = num.num
        ent = self.xref.get(num)
        if ent is None:
            return None
        m = OBJ_RE.match(self.data, ent[0])
        v, i = parse(self.data, m.end())
        i = skip_ws(self.data, i)
        if self.data.startswith(b'stream', i):
            s, e = self._stream_data(v, i)
            return Stream(v, self.data[s:e])
        return v

    def resolve(self, v):
        while isinstance(v, Ref):
            v = self.get(v.num)
        return v

    def gen(self, num):
        e = self.xref.get(num)
        return e[1] if e else 0

    @property
    def root_ref(self):
        return self.trailer[b'Root']

    def catalog(self):
        return self.get(self.root_ref.num)

    def pages(self):
        """Page object numbers in order."""
        out = []

        def walk(ref, depth=0):
            node = self.get(ref.num)
            if node.get(b'Type') == b'Pages' or b'Kids' in node:
                for k in self.resolve(node[b'Kids']):
                    walk(k, depth + 1)
            else:
                out.append(ref.num)
        walk(self.catalog()[b'Pages'])
        return out

    def sig_fields(self):
        """[(field num, sig dict num)] of the signed signature fields."""
        af = self.resolve(self.catalog().get(b'AcroForm'))
        out = []
        for f in self.resolve(af.get(b'Fields', [])) if af else []:
            fd = self.get(f.num)
            v = fd.get(b'V')
            if fd.get(b'FT') == b'Sig' and isinstance(v, Ref):
                out.append((f.num, v.num))
        return out


class Update:
    """Collects objects and appends them to a file as an incremental update."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.objs = {}
        self.next = pdf.size

    def new(self, value=None):
        num = self.next
        self.next += 1
        self.objs[num] = value
        return Ref(num, 0)

    def set(self, num, value):
        if isinstance(num, Ref):
            num = num.num
        self.objs[num] = value
        return Ref(num, self.pdf.gen(num))

    def trailer(self, **changes):
        t = {k: v for k, v in self.pdf.trailer.items()
             if k not in (b'Prev', b'XRefStm', b'Size')}
        for k, v in changes.items():
            t[Name(k.encode())] = v
        return t

    def body(self, base_len):
        """(bytes, {num: offset}) of the objects, as if written at base_len."""
        out = bytearray()
        offsets = {}
        for num in sorted(self.objs):
            offsets[num] = base_len + len(out)
            out += b'%d %d obj\n' % (num, self.pdf.gen(num)) + ser(self.objs[num]) + b'\nendobj\n'
        return bytes(out), offsets

    def write(self, trailer=None, base=None):
        base = self.pdf.data if base is None else base
        if not base.endswith((b'\n', b'\r')):
            base += b'\n'
        body, offsets = self.body(len(base))
        xoff = len(base) + len(body)
        out = base + body + xref_table(offsets, {n: self.pdf.gen(n) for n in offsets})
        t = dict(trailer if trailer is not None else self.trailer())
        t[b'Size'] = max(self.next, self.pdf.size)
        t[b'Prev'] = self.pdf.startxref
        return out + b'trailer\n' + ser(t) + b'\nstartxref\n%d\n%%%%EOF\n' % xoff


def xref_table(offsets, gens=None):
    gens = gens or {}
    nums = sorted(offsets)
    out = bytearray(b'xref\n')
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out += b'%d %d\n' % (nums[i], j - i + 1)
        for n in nums[i:j + 1]:
            out += b'%010d %05d n \n' % (offsets[n], gens.get(n, 0))
        i = j + 1
    return bytes(out)


def build(objs, root=1, version=b'1.7', file_id=None):
    """A whole file from {num: value}; one classic xref table."""
    out = bytearray(b'%PDF-' + version + b'\n%\xe2\xe3\xcf\xd3\n')
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b'%d 0 obj\n' % num + ser(objs[num]) + b'\nendobj\n'
    size = max(objs) + 1
    xoff = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % size
    for n in range(1, size):
        if n in offsets:
            out += b'%010d 00000 n \n' % offsets[n]
        else:
            out += b'0000000000 00000 f \n'
    t = {b'Size': size, b'Root': Ref(root)}
    if file_id:
        t[b'ID'] = [Hex(file_id), Hex(file_id)]
    out += b'trailer\n' + ser(t) + b'\nstartxref\n%d\n%%%%EOF\n' % xoff
    return bytes(out)


def ber_length(blob, i=0):
    """Length of the BER element at blob[i:] (the CMS in /Contents): definite
    lengths as DER writes them, and the indefinite ones NSS writes."""
    j = i + 1
    if blob[i] & 0x1f == 0x1f:                  # high tag number
        while blob[j] & 0x80:
            j += 1
        j += 1
    n = blob[j]
    j += 1
    if n == 0x80:                               # indefinite: up to 00 00
        while blob[j:j + 2] != b'\0\0':
            j += ber_length(blob, j)
        return j + 2 - i
    if n > 0x80:
        k = n & 0x7f
        n = int.from_bytes(blob[j:j + k], 'big')
        j += k
    return j + n - i


def sig_layout(pdf, signum):
    """Where the signature dictionary signum puts things, in bytes:
    dict span, /Contents hex span (from < to after >), /ByteRange value span,
    the ByteRange numbers and the CMS (DER, padding stripped)."""
    s, e = pdf.span(signum)
    d = pdf.data
    m = re.compile(rb'/Contents\s*(<[0-9A-Fa-f\s]*>)').search(d, s, e)
    br = re.compile(rb'/ByteRange\s*(\[[^\]]*\])').search(d, s, e)
    hexs = re.sub(rb'\s', b'', m.group(1)[1:-1])
    blob = bytes.fromhex(hexs.decode())
    der = blob[:ber_length(blob)]
    return dict(obj=(s, e), contents=m.span(1), contents_key=m.span(0),
                byterange=br.span(1), byterange_key=br.span(0),
                ranges=[int(x) for x in br.group(1)[1:-1].split()], der=der)
