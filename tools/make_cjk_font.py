"""Make bot/fonts/NotoSansSC-Pavilion.otf: the subset of Noto Sans CJK SC the charts draw with.

The bar charts (bot/charts.py) must draw Chinese on a machine with no CJK font, so a
subset of an OFL font ships inside the package. This script makes it, the same way
each time (see bot/fonts/README.md for the source and the checksums):

    apt-get download fonts-noto-cjk            # or take the .ttc from an installed one
    dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    python -m venv /tmp/fonttools && /tmp/fonttools/bin/pip install fonttools
    python tools/make_cjk_font.py \
        /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        --pyftsubset /tmp/fonttools/bin/pyftsubset

fontTools is a tool here, not a dependency of the bot. The characters kept:
ASCII and Latin-1; general punctuation, letterlike symbols, number forms,
arrows, maths operators, enclosed alphanumerics (①…), box drawing, geometric
shapes, miscellaneous symbols and dingbats (✓ ✔ ✗ ☑ ★…) as far as the font has
them; CJK symbols and punctuation, full-width and half-width forms; the whole of
GB 2312 (its 6763 hanzi and 682 symbols); and every character of the catalogs
(bot/locales) the font has, should a catalog use a hanzi beyond GB 2312.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bot" / "fonts" / "NotoSansSC-Pavilion.otf"
#: In NotoSansCJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK (then the Mono ones).
SIMPLIFIED_CHINESE = 2

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # general punctuation (— … ‘’ “” •)
    (0x2100, 0x214F),  # letterlike symbols (℃ №)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ Ⅲ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (− × ÷ ≤ ≥)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ② ③ ⑴ ⒈)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (■ □ ▲ ○ ●)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆ ☐ ☑)
    (0x2700, 0x27BF),  # dingbats (✓ ✔ ✗ ✘)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。《》「」【】)
    (0x3200, 0x32FF),  # enclosed CJK (㈠ ㊀)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width and half-width forms (，：！（）)
)


def gb2312() -> set[str]:
    """Every character of GB 2312 (rows 0xA1-0xF7 of the EUC-CN encoding)."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def catalog_characters() -> set[str]:
    """Every non-ASCII character of the catalogs (bot/locales/*.pot, bot/locales/*/*.po)."""
    found: set[str] = set()
    locales = ROOT / "bot" / "locales"
    for catalog in sorted([*locales.glob("*.pot"), *locales.glob("*/*.po")]):
        found.update(c for c in catalog.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return found


def characters() -> str:
    """The characters to keep, sorted (those the font lacks are skipped by pyftsubset)."""
    wanted = {chr(code) for first, last in RANGES for code in range(first, last + 1)}
    wanted |= gb2312() | catalog_characters()
    return "".join(sorted(wanted))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "source", type=Path, help="NotoSansCJK-Regular.ttc (or NotoSansCJKsc-Regular.otf)"
    )
    parser.add_argument("--pyftsubset", default="pyftsubset", help="fontTools' subsetter")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        text_file = Path(scratch) / "characters.txt"
        text_file.write_text(characters(), encoding="utf-8")
        command = [
            args.pyftsubset,
            str(args.source),
            f"--text-file={text_file}",
            f"--output-file={args.output}",
            # Keep the copyright, names, and the licence and its URL (OFL: the notice stays).
            "--name-IDs=0,1,2,3,4,5,6,7,8,9,11,12,13,14",
            "--name-languages=*",
            "--layout-features=",  # Pillow lays text out without them
            "--notdef-outline",
        ]
        if args.source.suffix.lower() in (".ttc", ".otc"):
            command.append(f"--font-number={SIMPLIFIED_CHINESE}")
        subprocess.run(command, check=True)
    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    print(f"{args.output}: {args.output.stat().st_size} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
