"""Render lesson notebooks as reveal.js slides that work offline (幻灯片, 离线可用).

nbconvert's SlidesExporter loads reveal.js, require.js, jQuery, MathJax and mermaid from CDNs
(unpkg, cdnjs) by default; government networks block them, and the slides then show as one long
unstyled page. This script:

1. fetches reveal.js 4.6.1, require.js 2.3.8 and jQuery 3.7.1 once from the npm registry
   (``npm pack``) into ``build/vendor/npm/`` and checks each tarball's SHA-256 against the value
   pinned below (on a machine without the registry, copy the three ``.tgz`` files there);
2. copies the files the slides need into ``<out>/_static/`` (reveal.js ``dist/`` CSS and script,
   the chosen theme and its fonts, the speaker-notes plugin, require.js, jQuery, and the
   licences: reveal.js's and jQuery's licence files; require.js's npm package has no licence
   file, its MIT licence notice is the header of ``require.js`` itself, copied with it, beside
   the package's README);
3. renders each notebook with the SlidesExporter, every URL pointing into ``_static/`` by a
   relative path, through a template that leaves out MathJax, mermaid and widget scripts
   (formulas are not typeset offline; see ``docs/slides.md``);
4. writes ``<out>/index.html`` listing the decks, and checks that no page loads anything over
   http(s).

Cells tagged ``nav`` (the generated navigation) and ``# NBVAL_...`` comment lines are left out
of the slides. In notebooks whose cells carry no ``slideshow`` metadata every markdown cell
starts a slide; lesson notebooks set ``slideshow.slide_type`` on their cells
(``docs/slides.md``).

Usage::

    python tools/build_slides.py                                   # the two-ledgers lessons
    python tools/build_slides.py 'notebooks/*.ipynb' --out build/slides
"""

from __future__ import annotations

import argparse
import copy
import glob
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOKS = ("training/two_ledgers/lessons/*.ipynb",)
DEFAULT_OUT = ROOT / "build" / "slides"
VENDOR = ROOT / "build" / "vendor" / "npm"
THEME = "white"  # its fonts ship with reveal.js; "simple" (nbconvert's default) loads Google Fonts

#: npm packages, pinned by version and by the SHA-256 of the registry's tarball.
PACKAGES = {
    "reveal.js": ("4.6.1", "4f4121ef2b8e7e9398bdecd7b3b6ce5e0ee3a2f5af221708eb6c4ce03bcae6be"),
    "requirejs": ("2.3.8", "777158e89275e16bd51aec3ef714fbcb5dc45789e7078659933bc814916d7dec"),
    "jquery": ("3.7.1", "68a9f787516da47c680e09c187bcbac4536b6f85d90eb882844e12919e583f53"),
}

#: Files copied from each package (paths inside ``package/``) to ``_static/`` (directories whole).
FILES = {
    "reveal.js": {
        "LICENSE": "reveal.js/LICENSE",
        "dist/reveal.css": "reveal.js/dist/reveal.css",
        "dist/reveal.js": "reveal.js/dist/reveal.js",
        "dist/theme/{theme}.css": "reveal.js/dist/theme/{theme}.css",
        "dist/theme/fonts": "reveal.js/dist/theme/fonts",
        "plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
    },
    "requirejs": {"require.js": "require.js", "README.md": "require.js.README.md"},
    "jquery": {"dist/jquery.min.js": "jquery.min.js", "LICENSE.txt": "jquery.LICENSE.txt"},
}

STATIC = "_static"

#: The reveal template without its CDN-only parts. MathJax is left out, so a stub keeps the
#: template's slide-change hook (``MathJax.Hub.getAllJax``) from failing.
TEMPLATE_NAME = "kit_offline_reveal.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = window.MathJax || {Hub: {getAllJax: function () { return []; },
                                          Rerender: function () {}}};
</script>
{%- endblock html_head_js_mathjax -%}
"""

EXTERNAL = re.compile(
    r"""(?:<(?:script|img|iframe)\b[^>]*\bsrc|<link\b[^>]*\bhref)\s*=\s*["']"""
    r"""((?:https?:)?//[^"']+)"""  # a script, style sheet, image or frame from the network
    r"""|@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s]+)"""  # CSS @import
    # CSS url(...) of a font, image or cursor, in a style sheet, a <style> or a style="..."
    r"""|\burl\(\s*(?:["']|&quot;|&#0?39;)?\s*((?:https?:)?//[^"')\s&]+)"""
    r"""|["']((?:https?:)?//[^"'\s]+\.(?:m?js|css)(?:\?[^"'\s]*)?)["']""",  # a module, require()
    re.I,
)


class SlidesError(Exception):
    """The slides could not be built; the message says why and what to do."""


@dataclass
class Deck:
    """One rendered notebook."""

    notebook: Path
    html: Path
    title: str
    slides: int


def external_resources(text: str) -> list[str]:
    """URLs that a page (or a style sheet) would fetch from the network.

    Scripts, style sheets, images and frames with an ``http(s)://`` or ``//`` source, CSS
    ``@import`` of such a URL, CSS ``url(...)`` of such a URL (fonts, background images) in a
    style sheet, a ``<style>`` element or a ``style="..."`` attribute, and any quoted such URL of
    a ``.js``, ``.mjs`` or ``.css`` file (ES module imports, require.js dependencies). Ordinary
    links (``<a href=...>``) to web pages are not resources and are not reported.

    Examples
    --------
    >>> external_resources('<script src="https://unpkg.com/x.js"></script><a href="https://a.b">')
    ['https://unpkg.com/x.js']
    >>> external_resources('<link rel="stylesheet" href="_static/reveal.js/dist/reveal.css">')
    []
    >>> external_resources("@font-face { src: url('//fonts.example/a.woff2') format('woff2') }")
    ['//fonts.example/a.woff2']
    """
    return [next(g for g in m.groups() if g) for m in EXTERNAL.finditer(text)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(vendor: Path = VENDOR) -> dict[str, Path]:
    """The pinned npm tarballs, fetched with ``npm pack`` when they are not cached yet.

    Parameters
    ----------
    vendor : Path
        Cache folder for the ``.tgz`` files.

    Returns
    -------
    dict
        Package name to its tarball.

    Raises
    ------
    SlidesError
        When npm is missing or fails, or a tarball does not match its pinned SHA-256.
    """
    vendor.mkdir(parents=True, exist_ok=True)
    tarballs = {}
    for name, (version, sha256) in PACKAGES.items():
        tgz = vendor / f"{name}-{version}.tgz"
        if not tgz.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise SlidesError(
                    f"{tgz.name} is not in {_rel(vendor)} and npm is not installed. Fix: install "
                    "Node.js and npm (Debian: apt-get install npm), or copy the tarball there from "
                    f"a machine that has it (npm pack {name}@{version})."
                )
            print(f"fetching {name}@{version} from the npm registry (once) ...", flush=True)
            with tempfile.TemporaryDirectory(dir=vendor) as tmp:  # whole files only
                done = subprocess.run(
                    [npm, "pack", f"{name}@{version}", "--pack-destination", tmp],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                packed = Path(tmp) / tgz.name
                if done.returncode != 0 or not packed.exists():
                    reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                    raise SlidesError(
                        f"npm pack {name}@{version} failed ({reason[0]}). Fix: check access to "
                        f"the npm registry, or copy {tgz.name} into {_rel(vendor)} by hand."
                    )
                os.replace(packed, tgz)
        found = _sha256(tgz)
        if found != sha256:
            raise SlidesError(
                f"{_rel(tgz)} has SHA-256 {found}, not the pinned {sha256}: it is not the "
                f"published {name}@{version}. Delete it and run again."
            )
        tarballs[name] = tgz
    return tarballs


def install_static(out: Path, tarballs: dict[str, Path], theme: str = THEME) -> Path:
    """Copy the files the slides need from the tarballs into ``out/_static``; returns it."""
    static = out / STATIC
    for name, files in FILES.items():
        with tarfile.open(tarballs[name]) as tar:
            members = {m.name.removeprefix("package/"): m for m in tar.getmembers()}
            for source, target in files.items():
                source, target = source.format(theme=theme), target.format(theme=theme)
                chosen = [
                    m
                    for key, m in members.items()
                    if (key == source or key.startswith(source + "/")) and m.isfile()
                ]
                if not chosen:
                    raise SlidesError(f"{tarballs[name].name} has no {source} (theme {theme!r}?)")
                for member in chosen:
                    key = member.name.removeprefix("package/")
                    inner = key[len(source) + 1 :]  # the path inside a copied directory
                    dest = static / target / inner if inner else static / target
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    handle = tar.extractfile(member)
                    assert handle is not None  # a regular file
                    data = handle.read()
                    if dest.suffix == ".css":  # a theme's web fonts would come from Google
                        data = re.sub(rb"@import url\((?:https?:)?//[^)]*\);?", b"", data)
                    dest.write_bytes(data)
    return static


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a notebook as the slides show it.

    Navigation cells (tag ``nav``) go, ``# NBVAL_...`` lines go from code, and in a notebook
    with no ``slideshow`` metadata at all every markdown cell starts a slide, which the code
    cells after it (and their outputs) join: explain, code, output on one slide.
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "nav" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = cell.source.splitlines()
            cell.source = "\n".join(ln for ln in lines if not ln.startswith("# NBVAL_"))
    if not any("slideshow" in c.metadata for c in nb.cells):
        for i, cell in enumerate(nb.cells):
            kind = "slide" if i == 0 or cell.cell_type == "markdown" else "-"
            cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


def render(notebook: Path, dest: Path, static: Path, root: Path = ROOT) -> Deck:
    """Render one notebook to ``dest`` (an ``.html`` file) with relative links into ``static``."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    prefix = Path(os.path.relpath(static, dest.parent)).as_posix()
    config = Config()
    config.SlidesExporter.reveal_url_prefix = f"{prefix}/reveal.js"
    config.SlidesExporter.reveal_theme = THEME
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.require_js_url = f"{prefix}/require.js"
    config.SlidesExporter.jquery_url = f"{prefix}/jquery.min.js"
    config.SlidesExporter.mathjax_url = ""
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=config, extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])
    exporter.template_file = TEMPLATE_NAME
    nb = prepare(nbformat.read(notebook, as_version=4))
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}}
    )
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(body, encoding="utf-8")
    slides = sum(
        1 for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide"
    )
    return Deck(notebook, dest, _title(nb, notebook.stem), slides)


def index_page(decks: list[Deck], out: Path) -> str:
    """``index.html``: the decks grouped by folder, with no external resources."""
    groups: dict[str, list[Deck]] = {}
    for deck in decks:
        groups.setdefault(Path(os.path.relpath(deck.html.parent, out)).as_posix(), []).append(deck)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>supervision-kit slides (幻灯片)</title>",
        "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;"
        "line-height:1.5}li{margin:.3em 0}small{color:#555}</style>",
        "</head><body>",
        "<h1>supervision-kit slides (幻灯片)</h1>",
        "<p>Open a deck and use the arrow keys; <kbd>S</kbd> opens the speaker notes, "
        "<kbd>Esc</kbd> the overview, <kbd>?</kbd> the keys. Everything is in this folder: "
        "no network needed.</p>",
    ]
    for folder, group in groups.items():
        parts.append(f"<h2>{html.escape(folder)}</h2><ul>")
        for deck in group:
            link = Path(os.path.relpath(deck.html, out)).as_posix()
            parts.append(
                f'<li><a href="{html.escape(link)}">{html.escape(deck.title)}</a> '
                f"<small>{deck.slides} slides · {html.escape(deck.notebook.name)}</small></li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _rel(path: Path, root: Path = ROOT) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def expand(patterns: list[str], root: Path = ROOT) -> list[Path]:
    """Notebooks named by paths or glob patterns (relative to ``root``), sorted, de-duplicated."""
    found: list[Path] = []
    for pattern in patterns:
        base = pattern if os.path.isabs(pattern) else str(root / pattern)
        for name in sorted(glob.glob(base, recursive=True)):
            path = Path(name).resolve()
            wanted = path.suffix == ".ipynb" and ".ipynb_checkpoints" not in path.parts
            if wanted and path not in found:
                found.append(path)
    return found


def build(
    notebooks: list[Path], out: Path = DEFAULT_OUT, vendor: Path = VENDOR, root: Path = ROOT
) -> list[Deck]:
    """Build the slides of ``notebooks`` into ``out``, with ``index.html``; check them offline.

    Each deck goes to ``out/<the notebook's folder relative to root>/<name>.slides.html``;
    decks of an earlier build in ``out`` and its ``_static`` folder are removed first.

    Raises
    ------
    SlidesError
        When reveal.js cannot be had, or a page would load something from the network.
    """
    tarballs = fetch(vendor)
    if out.is_dir():  # decks of an earlier build (a renamed notebook's would linger)
        shutil.rmtree(out / STATIC, ignore_errors=True)
        for old in out.rglob("*.slides.html"):
            old.unlink()
    static = install_static(out, tarballs)
    decks = []
    for notebook in notebooks:
        try:
            folder = notebook.resolve().parent.relative_to(root.resolve())
        except ValueError:
            folder = Path(notebook.parent.name)
        dest = out / folder / f"{notebook.stem}.slides.html"
        decks.append(render(notebook, dest, static, root))
    index = out / "index.html"
    index.write_text(index_page(decks, out), encoding="utf-8")
    problems = []
    for page in [index, *(d.html for d in decks), *static.rglob("*.css")]:
        for url in external_resources(page.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{_rel(page)}: {url}")
    if problems:
        raise SlidesError("pages would load from the network:\n  " + "\n  ".join(problems))
    return decks


def main(argv: list[str] | None = None) -> int:
    """Build the slides; print what was written where; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        default=list(DEFAULT_NOTEBOOKS),
        help="notebooks or glob patterns (default: training/two_ledgers/lessons/*.ipynb)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    notebooks = expand(args.notebooks)
    if not notebooks:
        print(
            f"error: no notebooks match {' '.join(args.notebooks)}. "
            "Give others, e.g. make slides SLIDES='notebooks/*.ipynb'",
            file=sys.stderr,
        )
        return 1
    try:
        decks = build(notebooks, args.out.resolve())
    except SlidesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    for deck in decks:
        print(f"wrote {_rel(deck.html)}  ({deck.slides} slides, from {_rel(deck.notebook)})")
    print(f"wrote {_rel(out / 'index.html')}  (open it in a browser; no network needed)")
    print(f"reveal.js 4.6.1, require.js, jQuery copied to {_rel(out / STATIC)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
