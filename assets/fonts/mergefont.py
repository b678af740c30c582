#!/usr/bin/python3
"""mergefont.py: build Biaozhu's bundled font, BiaozhuSansCJK.ttf.

Droid Sans Fallback (full) draws Chinese well but lacks characters that real
corpora and the app's own text use: 〈 〉 and 26 other CJK symbols, the
Enclosed Alphanumerics (① ⑴ ⒈ Ⓐ), the ideographs U+9FA6–U+9FFF, halfwidth
Hangul and forms, arrows, shapes and box drawing (← ○ ● ✓ ─ ⋯), Roman
numerals, and some General Punctuation (‧ ‥ ※, which Fyne's monospace font
lacks too).
Fyne's theme gives one font per text style, so the missing glyphs are merged
into it, every one from a Debian font package under the SIL Open Font
License 1.1, in this order of preference:

  1. Noto Sans CJK SC Regular (fonts-noto-cjk): the same sans design family
     as Droid, for every CJK glyph. Its outlines are cubic (CFF); they are
     converted to TrueType quadratics with fontTools' cu2qu.
  2. Noto Sans Regular (fonts-noto-core): the General Punctuation that Noto
     Sans CJK lacks (‸ ⁀ ⁄ ⁕ ⁞ …); Fyne's own regular font is this design.
  3. Noto Sans Math Regular (fonts-noto-core): ⇥ (the Tab key in the app's
     list of shortcuts).
  4. LXGW WenKai Regular (fonts-lxgw-wenkai): U+9FF0–U+9FFF, the URO
     ideographs of Unicode 13 and 14 that Noto Sans CJK 2.004 lacks.

Droid's own glyphs, tables and metrics are kept as they are; only glyphs for
code points it does not map are added, scaled from 1000 units per em to
Droid's 256 and (for the CJK sources) moved so that their ideographic em box
sits where Droid's does. The result is renamed (its sources' names are
trademarks or Reserved Font Names) and is licensed under the SIL OFL 1.1,
Droid's parts also under the Apache License 2.0 (see LICENSE.txt).

The inputs are checked against the SHA-256 sums below, so that the output is
the committed font byte for byte; a changed input is an error that names it.

Usage: mergefont.py -o OUT.ttf -fyne FONTDIR FILE...
  FILE: text whose characters must be drawable besides the blocks below:
  app/testdata/goldchars.txt (the characters of the shared gold files),
  app/testdata/corpuschars.txt (other corpus characters; lines that start
  with # are comments there and everywhere), and the app's own text (its Go
  files and translations).
  FONTDIR: Fyne's own fonts (theme/font in its module). Fyne draws what the
  bundled font lacks with its font of the text's style; a character that
  every one of them has (Latin letters, “ ” ‘ ’ … — ‰) is left to them, as
  before, so that it keeps the style and look it had.
The blocks and files are the ones app/fontcoverage_test.go checks.
"""

import argparse
import hashlib
import os
import statistics
import sys
import unicodedata

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables.O_S_2f_2 import intersectUnicodeRanges

DROID = {
    "path": "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "package": "fonts-droid-fallback 1:6.0.1r16-1.1",
    "sha256": "acb6440a713d880a13a21b468ba7cd43f5a2b2934972e51be791c880730777b8",
}

# SOURCES are the faces glyphs are taken from, in order of preference. cjk:
# designed on an ideographic em box, aligned with Droid's; else aligned on
# the baseline.
SOURCES = [
    {
        "name": "Noto Sans CJK SC Regular",
        "path": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "face": "Noto Sans CJK SC",
        "package": "fonts-noto-cjk 1:20220127+repack1-1",
        "sha256": "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a",
        "cjk": True,
    },
    {
        "name": "Noto Sans Regular",
        "path": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "package": "fonts-noto-core 20201225-1",
        "sha256": "89c3c497f618fdaa0b2d1e98fef93582f28c71debd2c4a8cdf41f190ced2909d",
        "cjk": False,
    },
    {
        "name": "Noto Sans Math Regular",
        "path": "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf",
        "package": "fonts-noto-core 20201225-1",
        "sha256": "8242bd1e55368b27e32455260754cf9aa58f3ad7ea80664b66c21f1b09910d6c",
        "cjk": False,
    },
    {
        "name": "LXGW WenKai Regular",
        "path": "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
        "package": "fonts-lxgw-wenkai 1.250+repack-1",
        "sha256": "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8",
        "cjk": True,
    },
]

# BLOCKS: every graphic character of these must be drawable
# (app/fontcoverage_test.go, fontBlocks).
BLOCKS = [
    ("General Punctuation", 0x2000, 0x206F),
    ("Enclosed Alphanumerics", 0x2460, 0x24FF),
    ("CJK Symbols and Punctuation", 0x3000, 0x303F),
    ("CJK Unified Ideographs", 0x4E00, 0x9FFF),
    ("Halfwidth and Fullwidth Forms", 0xFF00, 0xFFEF),
]

# FYNE_FACES are Fyne 2.7's own text fonts (fyne.io/fyne/v2/theme/font): the
# fallback of the regular, bold, italic, bold italic and monospace styles.
FYNE_FACES = [
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Italic.ttf",
    "NotoSans-BoldItalic.ttf",
    "DejaVuSansMono-Powerline.ttf",
]

FAMILY = "Biaozhu Sans CJK"
PSNAME = "BiaozhuSansCJK-Regular"
VERSION = "Version 1.00c-biaozhu1"
DESCRIPTION = (
    "Droid Sans Fallback (full) with the glyphs it lacks for Chinese corpus text "
    "added from Noto Sans CJK SC, Noto Sans, Noto Sans Math and LXGW WenKai, for Biaozhu. "
    "Built by assets/fonts/mergefont.py."
)
COPYRIGHT = (
    "Digitized data copyright Google Corporation (c) 2006 (Droid Sans Fallback). "
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source' (Noto Sans CJK). "
    "Copyright 2015 Google LLC (Noto Sans). Copyright 2018 Google LLC (Noto Sans Math). "
    "Copyright 2021-2023 LXGW, with Reserved Font Names 'LXGW' and '霞鹜'; "
    "Copyright 2020 The Klee Project Authors (LXGW WenKai)."
)
LICENSE = (
    "This Font Software is licensed under the SIL Open Font License, Version 1.1; "
    "the parts from Droid Sans Fallback are also licensed under the Apache License, "
    "Version 2.0. See LICENSE.txt beside this font."
)
LICENSE_URL = "https://openfontlicense.org"


def fail(msg):
    print("mergefont: " + msg, file=sys.stderr)
    sys.exit(1)


def check_sha256(src):
    try:
        with open(src["path"], "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        fail("%s: %s (install %s: .ci/deps --font)" % (src["path"], e.strerror, src["package"].split()[0]))
    if got != src["sha256"]:
        fail("%s: SHA-256 %s, want %s (from %s): a different version of the package is installed; "
             "check the new font, then update the sum and version in this script"
             % (src["path"], got, src["sha256"], src["package"]))


def load(src):
    check_sha256(src)
    if "face" not in src:
        return TTFont(src["path"], lazy=True)
    for i in range(32):
        try:
            f = TTFont(src["path"], fontNumber=i, lazy=True)
        except Exception:
            break
        if f["name"].getDebugName(1) == src["face"]:
            return f
    fail("%s: no face %r" % (src["path"], src["face"]))


def drawable(cp):
    """drawable reports whether cp is an assigned graphic character (as Go's
    unicode.IsGraphic: letters, marks, numbers, punctuation, symbols, spaces)."""
    cat = unicodedata.category(chr(cp))
    return cat[0] in "LMNPS" or cat == "Zs"


def bounds(glyphset, name):
    pen = BoundsPen(glyphset)
    glyphset[name].draw(pen)
    return pen.bounds


def em_shift(droid, src, scale, label):
    """em_shift is how far (in Droid's units) a CJK source's glyphs, scaled,
    move up so that their ideographs sit as Droid's do: the median, over the
    ideographs U+4E00–U+4FFF both fonts have, of the difference between the
    vertical centres of their outlines."""
    dcmap, scmap = droid.getBestCmap(), src.getBestCmap()
    dgs, sgs = droid.getGlyphSet(), src.getGlyphSet()
    diffs = []
    for cp in range(0x4E00, 0x5000):
        if cp not in dcmap or cp not in scmap:
            continue
        db, sb = bounds(dgs, dcmap[cp]), bounds(sgs, scmap[cp])
        if db and sb:
            diffs.append((db[1] + db[3]) / 2 - scale * (sb[1] + sb[3]) / 2)
    if len(diffs) < 100:
        fail("%s: too few ideographs in common with Droid to align it" % label)
    return round(statistics.median(diffs))


def main():
    ap = argparse.ArgumentParser(description="Build BiaozhuSansCJK.ttf from Debian's fonts.")
    ap.add_argument("-o", dest="out", required=True, help="the TrueType font to write")
    ap.add_argument("-fyne", dest="fyne", required=True, help="the directory of Fyne's own fonts (theme/font in its module)")
    ap.add_argument("files", nargs="+", help="text whose characters must be drawable (gold, corpus and app text)")
    args = ap.parse_args()

    check_sha256(DROID)
    droid = TTFont(DROID["path"], recalcTimestamp=False)
    upem = droid["head"].unitsPerEm
    cmap = droid.getBestCmap()

    want = set()
    for _, lo, hi in BLOCKS:
        want.update(cp for cp in range(lo, hi + 1) if drawable(cp))
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    want.update(ord(c) for c in line if drawable(ord(c)))
    fyne = []
    for face in FYNE_FACES:
        try:
            fyne.append(TTFont("%s/%s" % (args.fyne, face), lazy=True).getBestCmap())
        except OSError as e:
            fail("%s/%s: %s" % (args.fyne, face, e.strerror))
    todo = sorted(cp for cp in want if cp not in cmap and not all(cp in c for c in fyne))

    glyf, hmtx, vmtx = droid["glyf"], droid["hmtx"], droid["vmtx"]
    order = droid.getGlyphOrder()
    names = set(order)
    added = {}  # code point -> glyph name
    for spec in SOURCES:
        src = load(spec)
        spec_cmap = src.getBestCmap()
        scale = upem / src["head"].unitsPerEm
        dy = em_shift(droid, src, scale, spec["name"]) if spec["cjk"] else 0
        # Top of the ideographic em box in Droid's units, for vertical metrics.
        em_top = round(scale * src["OS/2"].sTypoAscender) + dy
        glyphset = src.getGlyphSet()
        cubic = "CFF " in src
        n = 0
        for cp in todo:
            if cp in added or cp not in spec_cmap:
                continue
            rec = DecomposingRecordingPen(glyphset)
            glyphset[spec_cmap[cp]].draw(rec)
            ttpen = TTGlyphPen(None)
            # cu2qu works on the scaled outline, so its error is in Droid's
            # units; CFF contours run the other way round from TrueType's.
            rec.replay(TransformPen(Cu2QuPen(ttpen, max_err=0.5, reverse_direction=cubic),
                                    (scale, 0, 0, scale, 0, dy)))
            glyph = ttpen.glyph()
            name = "uni%04X" % cp
            if name in names:
                fail("glyph name %s is taken in Droid" % name)
            names.add(name)
            order.append(name)
            glyf.glyphs[name] = glyph
            glyph.recalcBounds(glyf)
            advance = round(glyphset[spec_cmap[cp]].width * scale)
            has_outline = glyph.numberOfContours != 0
            hmtx.metrics[name] = (advance, glyph.xMin if has_outline else 0)
            vmtx.metrics[name] = (upem, em_top - glyph.yMax if has_outline else 0)
            added[cp] = name
            n += 1
        print("mergefont: %d glyphs from %s (%s), scaled by %g, moved up %d" % (n, spec["name"], spec["package"], scale, dy))
    droid.setGlyphOrder(order)
    glyf.glyphOrder = order
    for table in droid["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(added)
    missing = [cp for cp in todo if cp not in added]
    if missing:
        fail("no source has a glyph for " + " ".join("U+%04X" % cp for cp in missing))

    name = droid["name"]
    for nid in (0, 1, 3, 4, 5, 6, 7, 10, 13, 14, 16, 17):
        name.removeNames(nameID=nid)
    for nid, value in (
        (0, COPYRIGHT),
        (1, FAMILY),
        (3, "%s;%s" % (VERSION, PSNAME)),
        (4, FAMILY),
        (5, VERSION),
        (6, PSNAME),
        (10, DESCRIPTION),
        (13, LICENSE),
        (14, LICENSE_URL),
    ):
        name.setName(value, nid, 3, 1, 0x409)
    # Declare the Unicode ranges the new glyphs cover too (Droid's own
    # declarations are kept as they are).
    os2 = droid["OS/2"]
    declared = os2.getUnicodeRanges()
    os2.setUnicodeRanges(declared | intersectUnicodeRanges(added))
    tmp = args.out + ".tmp"
    droid.save(tmp)
    os.replace(tmp, args.out)
    print("mergefont: %s: %d glyphs added, %d in all" % (args.out, len(added), len(order)))


if __name__ == "__main__":
    main()
