"""``pattern.finditer(text)``, the same matches, faster for patterns that open with a word boundary.

Python's ``re`` skips ahead quickly to where a match can start when a pattern opens with a literal or a
set of literal first characters ("January|February|…", "[Bb]etween"), but not when it opens with
``\\b`` or a lookbehind, as most of the date grammar's patterns do: it then tries the whole pattern at
every character of the text. A scout, the same pattern without those zero-width openings, does skip
ahead; wherever the pattern matches, its scout matches too, so the pattern need only be tried where the
scout finds something. Patterns whose scout would not skip ahead (case-insensitive ones, those opening
with an optional part) are scanned as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
# A zero-width opening as written: \b, or a lookbehind or lookahead without nested parentheses.
OPENING = re.compile(r"\\b|\(\?<?[!=][^()]*\)")


def _skips_ahead(data: list) -> bool:
    """Whether ``re`` scans for a pattern opening with ``data`` by its first characters (it does when
    the pattern opens, maybe inside groups, with a literal, a set, or alternatives each opening with a
    literal; see ``_get_charset_prefix`` in CPython's re/_compiler.py)."""
    while data and data[0][0] is sre_constants.SUBPATTERN:
        data = list(data[0][1][3])
    if not data:
        return False
    op, av = data[0]
    if op in (sre_constants.LITERAL, sre_constants.IN):
        return True
    return op is sre_constants.BRANCH and all(
        branch and list(branch)[0][0] is sre_constants.LITERAL for branch in av[1]
    )


def scout_for(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern without its zero-width opening, if that makes a scan skip ahead; otherwise None."""
    if pattern.flags & re.IGNORECASE:
        return None
    source, openings = pattern.pattern, 0
    while found := OPENING.match(source):
        source, openings = source[found.end() :], openings + 1
    if not openings:
        return None
    try:
        scout = re.compile(source, pattern.flags)
    except re.error:
        return None
    whole = list(sre_parse.parse(pattern.pattern, pattern.flags).data)
    rest = list(sre_parse.parse(source, pattern.flags).data)
    if not all(op in ZERO_WIDTH for op, _ in whole[:openings]) or repr(whole[openings:]) != repr(rest):
        return None  # not an opening this module can read: scan as before
    if scout.groupindex != pattern.groupindex or sre_parse.parse(source).getwidth()[0] == 0:
        return None
    return scout if _skips_ahead(rest) else None


def scanner(pattern: re.Pattern) -> Callable[[str], Iterator[re.Match]]:
    """A function giving ``pattern.finditer(text)``'s matches of a text, in order."""
    scout = scout_for(pattern)
    if scout is None:
        return pattern.finditer

    def scan(text: str) -> Iterator[re.Match]:
        position = 0
        search, match = scout.search, pattern.match
        while (found := search(text, position)) is not None:
            start = found.start()
            # match(text, start) sees the text before start (lookbehinds, \b), as finditer does
            if (matched := match(text, start)) is not None:
                yield matched
                position = matched.end()  # never empty: the scout is not
            else:
                position = start + 1

    return scan
