"""tools/build_slides.py: reveal.js slides that work offline.

Builds the slides of one small notebook into a temporary folder: reveal sections exist, reveal.js
is referred to by a relative path whose files exist, and nothing is loaded from a CDN.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build_slides  # noqa: E402

pytestmark = pytest.mark.xdist_group("slides")  # one worker fetches reveal.js into build/


def _tarballs_or_skip() -> dict[str, Path]:
    cached = all(
        (build_slides.VENDOR / f"{name}-{version}.tgz").exists()
        for name, (version, _) in build_slides.PACKAGES.items()
    )
    if not cached and shutil.which("npm") is None:
        pytest.skip("reveal.js is not cached in build/vendor/npm and npm is not installed")
    try:
        return build_slides.fetch()
    except build_slides.SlidesError as exc:
        pytest.skip(f"reveal.js could not be fetched: {exc}")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    _tarballs_or_skip()
    tmp = tmp_path_factory.mktemp("slides")
    lessons = tmp / "lessons"
    lessons.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# L1 · A tiny lesson (小课)", metadata={"slideshow": {"slide_type": "slide"}}
        ),
        nbformat.v4.new_markdown_cell("← nav", metadata={"tags": ["nav"]}),
        nbformat.v4.new_code_cell(
            "# NBVAL_IGNORE_OUTPUT\n1 + 1",
            metadata={"slideshow": {"slide_type": "fragment"}},
            outputs=[
                nbformat.v4.new_output(
                    "execute_result", data={"text/plain": "2"}, execution_count=1
                )
            ],
            execution_count=1,
        ),
        nbformat.v4.new_markdown_cell(
            "## Second slide", metadata={"slideshow": {"slide_type": "slide"}}
        ),
        nbformat.v4.new_markdown_cell(
            "Say this aloud.", metadata={"slideshow": {"slide_type": "notes"}}
        ),
    ]
    notebook = lessons / "L1_tiny.ipynb"
    nbformat.write(nb, notebook)
    out = tmp / "out"
    decks = build_slides.build([notebook], out=out, root=tmp)
    return out, decks


def test_reveal_sections_exist(deck):
    out, decks = deck
    assert len(decks) == 1 and decks[0].slides == 2
    page = decks[0].html
    assert page == out / "lessons" / "L1_tiny.slides.html"
    text = page.read_text(encoding="utf-8")
    assert text.count("<section") >= 2
    assert "A tiny lesson" in text and "Second slide" in text
    assert 'class="notes"' in text or "aside class" in text  # speaker notes
    assert "← nav" not in text, "navigation cells are left out of slides"
    assert "NBVAL_IGNORE_OUTPUT" not in text


def test_reveal_is_relative_and_present(deck):
    out, decks = deck
    page = decks[0].html
    text = page.read_text(encoding="utf-8")
    refs = re.findall(r"""["']([^"']*reveal\.js/(?:dist|plugin)/[^"']+)["']""", text)
    assert refs, "the page refers to reveal.js"
    for ref in refs:
        assert not re.match(r"(?:[a-z]+:)?//", ref), f"not a relative path: {ref}"
        assert (page.parent / ref).resolve().is_file(), f"missing file: {ref}"
    for script in re.findall(r"""<script[^>]*\bsrc=["']([^"']+)["']""", text):
        assert (page.parent / script).resolve().is_file(), f"missing script: {script}"


def test_no_external_resources(deck):
    out, decks = deck
    for page in [out / "index.html", decks[0].html]:
        text = page.read_text(encoding="utf-8")
        assert build_slides.external_resources(text) == [], page.name
        assert "unpkg.com" not in text and "cdnjs" not in text
    theme = out / "_static" / "reveal.js" / "dist" / "theme" / f"{build_slides.THEME}.css"
    assert build_slides.external_resources(theme.read_text(encoding="utf-8")) == []


def test_index_lists_the_decks(deck):
    out, decks = deck
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="lessons/L1_tiny.slides.html"' in index
    assert "L1 · A tiny lesson" in index


def test_external_resources_finds_cdn_links():
    page = (
        '<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css">'
        "<style>@import url(https://fonts.googleapis.com/css?family=Lato);</style>"
        "<script>require({}, ['https://unpkg.com/reveal.js@4.0.2/plugin/notes/notes.js'])</script>"
        '<a href="https://revealjs.com">reveal.js</a>'
    )
    found = build_slides.external_resources(page)
    assert len(found) == 4
    assert "https://revealjs.com" not in found


def test_no_notebooks_is_a_clear_error(tmp_path, capsys):
    code = build_slides.main([str(tmp_path / "nothing" / "*.ipynb"), "--out", str(tmp_path)])
    assert code == 1
    assert "no notebooks match" in capsys.readouterr().err


def test_external_resources_finds_css_urls_without_npm():
    css = (
        "@font-face { font-family: Lato; src: url(https://fonts.example/lato.woff2) "
        "format('woff2'), url('//fonts.example/lato.woff') format('woff'); }\n"
        '.slide { background: url("http://img.example/bg.png") no-repeat; }\n'
        ".local { background: url(fonts/local.woff2); } .data { background: url(data:image/png;"
        "base64,AAAA); }"
    )
    assert build_slides.external_resources(css) == [
        "https://fonts.example/lato.woff2",
        "//fonts.example/lato.woff",
        "http://img.example/bg.png",
    ]
    page = (
        '<div style="background-image: url(&quot;https://img.example/a.png&quot;)"></div>'
        "<div style='background: url(//img.example/b.png)'></div>"
        "<style>h1 { background: URL( https://img.example/c.png ) }</style>"
        '<div style="background: url(_static/ok.png)"></div>'
        '<a href="https://example.org/url(x)">a link, not a resource</a>'
    )
    assert build_slides.external_resources(page) == [
        "https://img.example/a.png",
        "//img.example/b.png",
        "https://img.example/c.png",
    ]
