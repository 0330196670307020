"""Every setting is documented: an UPPER_CASE name assigned in settings.py carries a comment on its line, and the
README or docs name each budget a user may meet in a row's `error`."""
import re

from conftest import REPO

SETTINGS = REPO / "src" / "detente" / "settings.py"
ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*=\s*(.+)$")


def settings() -> dict[str, str]:
    """{name: the line's comment, or ''}"""
    out = {}
    for line in SETTINGS.read_text(encoding="utf-8").splitlines():
        m = ASSIGNMENT.match(line)
        if m:
            out[m.group(1)] = m.group(2).split("#", 1)[1].strip() if "#" in m.group(2) else ""
    return out


def test_every_setting_has_a_comment_on_its_line():
    found = settings()
    assert found, "no settings found in settings.py"
    undocumented = [name for name, comment in found.items() if len(comment) < 10]
    assert not undocumented, f"settings without a comment saying what they do: {undocumented}"


def test_every_setting_is_used():
    import detente.settings as module
    names = [n for n in settings() if hasattr(module, n)]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src" / "detente").rglob("*.py") if p != SETTINGS)
    unused = [n for n in names if not re.search(rf"\b{n}\b", sources)]
    assert not unused, f"settings no code reads: {unused}"


def test_the_budgets_a_row_may_name_are_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("STORE_WAIT_SECONDS",):
        assert name in readme, name
    for words in ("5 MB", "64 KiB", "200,000 characters", "200\ntokens", "60 s"):
        assert words.replace("\n", " ") in readme.replace("\n", " "), words
