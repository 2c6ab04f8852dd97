"""Hindi for the staff's pages (issue 13, part 7): the catalogues are whole and compiled, and
no template shows English outside the translation tags.

- Every catalogue under src/tipline (<app>/locale/hi/LC_MESSAGES/django.po, and the one in
  src/tipline/locale for the templates outside apps) has every msgstr filled, no entry
  marked fuzzy, the same placeholders (%(name)s, %s) and HTML tags as its msgid, passes
  `msgfmt --check`, and its committed .mo holds exactly what compiling the .po gives.
- A heuristic: a template of an app (or src/tipline/templates) with two English words in a
  row left after taking out the translation tags, the other tags, the variables and the
  HTML markup (but keeping the visible attributes: aria-label, placeholder, title, alt) is
  a string someone forgot to mark. Deliberate exceptions go in ALLOWED.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "tipline"

#: every place that holds templates: the apps, and "templates" for src/tipline/templates
ALL_APPS = ["templates", "accounts", "alerts", "analytics", "audit", "cases", "dispatch", "geo",
            "home", "intake", "media", "review", "routing", "search", "tips", "trawler"]
#: apps whose strings are still being marked (the lead empties this at the merge)
PENDING: set[str] = set()

#: runs of English words a template may show as they are (names, codes, examples), per app
ALLOWED: dict[str, set[str]] = {
    "analytics": {"Excel"},
    "routing": {"tipline units import"},  # a command, in <code>
}

CATALOGUES = sorted(SRC.glob("**/locale/hi/LC_MESSAGES/django.po"))

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]|\{\{.*?\}\}|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(body: str) -> str:
    return re.sub(r'\\(.)', lambda m: ESCAPES.get(m.group(1), m.group(0)), body)


def entries(po: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    out: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = ""
    for raw in po.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry:
                out.append(entry)
            entry, key = {}, ""
            continue
        if line.startswith("#,"):
            entry["flags"] = {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            key = m.group(1)
            text = _unquote(m.group(2))
            if key.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(text)  # type: ignore[union-attr]
            else:
                entry[key] = text
            continue
        m = re.match(r'^"(.*)"$', line)
        assert m and key, f"{po}: cannot read line {raw!r}"
        if key.startswith("msgstr"):
            strs = entry["msgstr"]
            assert isinstance(strs, list)
            strs[-1] += _unquote(m.group(1))
        else:
            entry[key] = str(entry[key]) + _unquote(m.group(1))
    return [e for e in out if e.get("msgid")]  # the header has an empty msgid


def test_one_text_is_translated_the_same_in_every_catalogue() -> None:
    """Django merges the apps' catalogues and the first to hold a text wins everywhere: the
    same English (in the same context) translated two ways would show one app's Hindi on the
    other's page. Give such texts a context (`{% translate "Search" context "button" %}`)."""
    seen: dict[tuple[str, str], tuple[str, Path]] = {}
    clashes = []
    for po in CATALOGUES:
        for entry in entries(po):
            key = (str(entry.get("msgctxt", "")), str(entry["msgid"]))
            text = " | ".join(entry["msgstr"])  # type: ignore[arg-type]
            if key in seen and seen[key][0] != text:
                clashes.append(f"{key}: {seen[key][1].relative_to(SRC)} says {seen[key][0]!r}, "
                               f"{po.relative_to(SRC)} says {text!r}")
            seen.setdefault(key, (text, po))
    assert not clashes, "\n".join(clashes)


def test_the_catalogues_are_found() -> None:
    names = {str(p.relative_to(SRC)).split("/")[0] for p in CATALOGUES}
    assert {"locale", "tips", "accounts", "home"} <= names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_entry_is_translated_whole(po: Path) -> None:
    problems = []
    for e in entries(po):
        msgid, strs = str(e["msgid"]), e.get("msgstr", [])
        assert isinstance(strs, list)
        if "fuzzy" in e.get("flags", set()):  # type: ignore[operator]
            problems.append(f"fuzzy: {msgid!r}")
        if not strs or not all(strs):
            problems.append(f"untranslated: {msgid!r}")
            continue
        sources = [msgid, *[str(e.get("msgid_plural", msgid))] * (len(strs) - 1)]
        for source, text in zip(sources, strs, strict=True):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
            if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
                problems.append(f"HTML differs: {msgid!r} -> {text!r}")
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_the_compiled_catalogue_is_up_to_date(po: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt") or "msgfmt"
    done = subprocess.run([msgfmt, "--check", "-o", str(fresh), str(po)],  # noqa: S603
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run compilemessages"
    with fresh.open("rb") as a, committed.open("rb") as b:
        want = gettext.GNUTranslations(a)._catalog  # type: ignore[attr-defined]
        have = gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
    assert have == want, f"{committed} is older than its .po: run compilemessages"


# -- English left outside the translation tags ---------------------------------------------

BLOCKS = re.compile(r"{%\s*(blocktranslate|blocktrans|comment)\b.*?{%\s*end\1\s*%}", re.S)
VISIBLE_ATTRS = re.compile(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"')
WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \t]+[A-Za-z][A-Za-z'’]*)+")


def english_left(source: str) -> list[str]:
    """The runs of two or more English words a template shows outside translation tags."""
    text = BLOCKS.sub(" ", source)
    text = re.sub(r"{#.*?#}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    attrs = " ".join(VISIBLE_ATTRS.findall(text))
    runs = []
    for part in (text, attrs):
        part = re.sub(r"{%.*?%}|{{.*?}}", " ", part, flags=re.S)
        part = re.sub(r"<[^>]*>|&\w+;", "\n", part)
        runs += [" ".join(w.split()) for w in WORDS.findall(part)]
    return runs


def templates_of(app: str) -> list[Path]:
    root = SRC / "templates" if app == "templates" else SRC / app / "templates"
    return sorted(root.glob("**/*.html"))


def test_the_heuristic_finds_english_and_spares_tags() -> None:
    assert english_left('<p title="Open it">{% translate "Not this" %} Left over</p>') \
        == ["Left over", "Open it"]
    assert english_left("{% blocktranslate trimmed %}Also not{% endblocktranslate %}"
                        "{{ user.name }} · {% if x %}ok{% endif %}") == []


def test_every_app_is_listed() -> None:
    have = {p.relative_to(SRC).parts[0] for p in SRC.glob("*/templates/**/*.html")}
    assert have | {"templates"} == set(ALL_APPS)


@pytest.mark.parametrize("app", [
    pytest.param(a, marks=pytest.mark.skip(reason="strings not yet marked")) if a in PENDING
    else a for a in ALL_APPS])
def test_no_template_shows_unmarked_english(app: str) -> None:
    allowed = ALLOWED.get(app, set())
    left = {f"{path.relative_to(SRC)}: {run!r}"
            for path in templates_of(app)
            for run in english_left(path.read_text(encoding="utf-8")) if run not in allowed}
    assert not left, "English outside {% translate %}:\n" + "\n".join(sorted(left))
