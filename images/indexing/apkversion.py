"""Alpine package versions ordered as apk-tools orders them (``apk version -t``).

univers' ``AlpineLinuxVersion`` answers ``>=`` and ``<=`` by comparing the strings (only ``<``,
``>`` and ``==`` use the Gentoo rules: ``1.36.1-r6 >= 1.36.1-r17`` is True there) and refuses
suffixes Alpine uses every day (``1.2.4_git20230717-r4``), so the matcher orders apk versions here.

A version is ``1.2.3`` (numbers), an optional letter (``1.2.3a``), suffixes (``_rc1``, ``_p2``,
``_git20230717``), an optional ``~hash`` and an optional revision ``-rN``. Pre-release suffixes
(alpha, beta, pre, rc) come before the bare version, post-release ones (cvs, svn, git, hg, p)
after it; a number after a dot that starts with 0 compares as a decimal fraction, as in apk.
"""

import re

_VERSION = re.compile(
    r"^(?P<numbers>\d+(?:\.\d+)*)(?P<letter>[a-z]?)"
    r"(?P<suffixes>(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)"
    r"(?:~[0-9a-f]+)?(?:-r(?P<revision>\d+))?$"
)
_SUFFIX = re.compile(r"_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)")
_NO_SUFFIX = 5
_SUFFIX_RANK = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}


def apk_version_key(version: str) -> tuple:
    """A tuple that orders like apk orders ``version``; ValueError when apk would not read it."""
    found = _VERSION.match(version.strip())
    if found is None:
        raise ValueError(f"not an apk version: {version!r}")
    first, *rest = found["numbers"].split(".")
    numbers = ((1, int(first)),) + tuple(
        (0, part.rstrip("0")) if part.startswith("0") and len(part) > 1 else (1, int(part)) for part in rest
    )
    letter = ord(found["letter"]) if found["letter"] else 0
    suffixes = tuple((_SUFFIX_RANK[name], int(number or 0)) for name, number in _SUFFIX.findall(found["suffixes"]))
    # The bare version ends every list, so "1.0" sorts after "1.0_rc1" and before "1.0_p1".
    return numbers, letter, suffixes + ((_NO_SUFFIX, 0),), int(found["revision"] or 0)
