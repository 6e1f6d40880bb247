#!/usr/bin/env python3
"""Writes the date keys of the default theme's UI strings from CLDR, so they are reproducible.

For every themes/default/i18n/<locale>.yml this sets, from the CLDR data that Babel ships
(`pip install babel`; the CLDR version is written into each file):

- `date_format`: CLDR's long Gregorian date pattern (`d MMMM y`), in helpsite's placeholders
  ({d} {dd} {m} {mm} {month} {yyyy});
- `months`: CLDR's "format wide" month names, the form used inside a date (genitive in Polish,
  Russian, Greek, Czech, Finnish...);
- `digits`: the ten digits of the locale's default numbering system (Arabic-Indic for ar-SA).

Every other line of the file is kept as it is. Run from the repository root:
    python3 scripts/cldr-dates.py [FILE...]
"""

import glob
import re
import sys

import babel
from babel import Locale
from babel.core import get_cldr_version

MARK = "# date_format, months, digits:"


def placeholders(pattern):
    """A CLDR date pattern as helpsite's placeholders; fails on a field helpsite cannot fill."""
    out = []
    for m in re.finditer(r"'((?:[^']|'')*)'|([A-Za-z])\2*|[^A-Za-z']+", pattern):
        quoted, letter = m.group(1), m.group(2)
        text = m.group(0)
        if quoted is not None:
            out.append(quoted.replace("''", "'") if quoted else "'")
        elif letter is None:
            out.append(text)
        elif letter == "y":
            out.append("{yyyy}")
        elif text in ("MMMM", "LLLL"):
            out.append("{month}")
        elif text in ("MM", "LL"):
            out.append("{mm}")
        elif text in ("M", "L"):
            out.append("{m}")
        elif text == "dd":
            out.append("{dd}")
        elif text == "d":
            out.append("{d}")
        else:
            sys.exit(f"date pattern {pattern!r}: cannot express {text!r}")
    return "".join(out)


def yaml_item(s):
    if re.search(r"[,\[\]{}:#'\"&*!|>%@`]", s) or s[:1].isdigit() or s[:1] in "-? ":
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


# Unicode's zero of each numbering system a Microsoft Learn locale may default to in CLDR
# (CLDR's numberingSystems.xml; Babel formats every system's numbers with ASCII digits).
ZERO = {"latn": 0x30, "arab": 0x660, "arabext": 0x6F0, "deva": 0x966, "beng": 0x9E6, "mymr": 0x1040}


def digits_of(locale):
    system = locale.default_numbering_system
    if system not in ZERO:
        sys.exit(f"{locale}: numbering system {system!r} is not in ZERO")
    return "".join(chr(ZERO[system] + i) for i in range(10))


def update(path):
    code = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    locale = Locale.parse(code, sep="-")
    fmt = placeholders(locale.date_formats["long"].pattern)
    months = [locale.months["format"]["wide"][i] for i in range(1, 13)]
    keys = {
        "date_format": '"' + fmt.replace('"', '\\"') + '"',
        "months": "[" + ", ".join(yaml_item(m) for m in months) + "]",
        "digits": '"' + digits_of(locale) + '"',
    }
    note = (
        f"{MARK} CLDR {get_cldr_version()} (Babel {babel.__version__}) for {locale}, "
        "written by scripts/cldr-dates.py"
    )
    lines = open(path, encoding="utf-8").read().splitlines()
    # The generated block (note, date_format, months, digits) replaces the old one in place,
    # or goes at the end of a file that has none.
    at = next((i for i, l in enumerate(lines) if l.split(":", 1)[0] in keys), len(lines))
    at = min(at, next((i for i, l in enumerate(lines) if l.startswith(MARK)), at))
    generated = lambda l: l.startswith(MARK) or l.split(":", 1)[0] in keys
    before = [l for l in lines[:at] if not generated(l)]
    after = [l for l in lines[at:] if not generated(l)]
    out = before + [note] + [f"{k}: {v}" for k, v in keys.items()] + after
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
    print(f"{path}: {locale} {fmt} {months[10]} {keys['digits']}")


if __name__ == "__main__":
    for p in sys.argv[1:] or sorted(glob.glob("themes/default/i18n/*.yml")):
        update(p)
