"""The demo report opened in a real browser (headless Chromium): it loads, shows the numbers.

A smaller demo (four models over the three datasets) is built once per session. Chromium comes
from Debian (``bash tools/ensure_browser.sh`` installs it and the CJK fonts when missing); the
tests that need it skip with the reason when it is absent. Screenshots are kept under the pytest
temporary folder and copied to ``reports/screenshots/`` (an ignored build folder).
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest

import kit
from kit.docs.report import MODEL_FILES
from kit.docs.scan import scan_folder

pytestmark = pytest.mark.xdist_group("browser")

MODELS = ("SS01", "SS05", "MI04", "EN07")
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
)
URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo report for a few models, built once; with its build time."""
    out = tmp_path_factory.mktemp("demo") / "reports"
    start = time.perf_counter()
    index, results = kit.docs.build_demo(out, models=[kit.models.get(m) for m in MODELS])
    return SimpleNamespace(
        out=out,
        index=index,
        results={r.spec.id: r for r in results},
        seconds=time.perf_counter() - start,
    )


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed (bash tools/ensure_browser.sh installs it as root)")
    return found


def _open(page: Path, tmp_path: Path, *action: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on a local page with a fresh profile."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    result = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # the pages have no script: any console message (an error, a blocked request) is a failure
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    return result


def _dom_text(page: Path, tmp_path: Path) -> str:
    dom = _open(page, tmp_path, "--dump-dom").stdout
    return html.unescape(re.sub(r"<[^>]+>", " ", dom))


def _screenshot(page: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    _open(page, tmp_path, f"--screenshot={target}", "--window-size=1280,2000")
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000, "a blank or missing screenshot"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, SCREENSHOTS / name)
    return target


def _names(dataset: str) -> set[str]:
    """Every full name in a dataset's name columns (read straight from its files)."""
    import json

    import pandas as pd

    from kit.datasets.dataset import resolve

    folder = resolve(dataset)
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    names: set[str] = set()
    for res in meta["resources"]:
        cols = [f["name"] for f in res["schema"]["fields"] if f.get("kit:mask") == "name"]
        if cols:
            frame = pd.read_csv(folder / res["path"], usecols=cols, dtype=str)
            for col in cols:
                names |= set(frame[col].dropna())
    return names


def test_every_page_link_and_image_resolves(demo):
    pages = sorted(demo.out.rglob("*.html"))
    assert len(pages) == len(MODELS) * 5 + 2 + 2 * 3  # models, index, ledger, datasheets
    for model_id in MODELS:
        for name in MODEL_FILES:
            assert (demo.out / model_id / name).is_file(), f"{model_id}/{name}"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<link" not in text, page
        for _, url in URL_ATTR.findall(text):
            url = html.unescape(url)
            parts = urlsplit(url)
            where = f"{page.relative_to(demo.out)}: {url[:60]}"
            if parts.scheme == "data":
                payload = url.split(",", 1)[1]
                assert base64.b64decode(payload).startswith(b"\x89PNG"), where
                continue
            assert not parts.scheme and not parts.netloc, f"external link in {where}"
            if parts.path:
                assert (page.parent / unquote(parts.path)).resolve().is_file(), f"broken {where}"


def test_report_opens_in_chromium_with_the_key_numbers(demo, tmp_path):
    text = _dom_text(demo.index, tmp_path)
    for model_id, res in demo.results.items():
        ev = res.evaluation
        row = re.search(rf"{model_id}\s+{re.escape(res.spec.name['en'])}.*?(?={'|'.join(MODELS)}|$)",
                        text, re.S)  # fmt: skip
        assert row, model_id
        for figure in (f"{ev.n_clues:,}", f"{ev.cases_found} / {ev.n_cases}",
                       f"{ev.conversion_rate:.1%}", f"{ev.recall:.1%}"):  # fmt: skip
            assert figure in row[0], (model_id, figure)
    assert "Two ledgers" in text and "追回国家损失" in text
    _screenshot(demo.index, tmp_path, "index.png")


def test_model_document_opens_in_chromium(demo, tmp_path):
    res = demo.results["SS01"]
    ev = res.evaluation
    for lang, headings in (
        ("zh", ("背景与需求", "法律依据", "效果评估", "应用与办案情况", "数据安全说明")),
        ("en", ("Background and need", "Legal basis", "Evaluation", "Applications and cases")),
    ):
        page = demo.out / "SS01" / f"spec.{lang}.html"
        text = _dom_text(page, tmp_path)
        for heading in headings:
            assert heading in text, (lang, heading)
        for figure in (f"{ev.n_clues:,}", f"{ev.recall:.1%}", f"{ev.conversion_rate:.1%}"):
            assert figure in text, (lang, figure)
        _screenshot(page, tmp_path, f"SS01.spec.{lang}.png")


def test_no_raw_identifier_in_the_report(demo):
    names = set()
    for ds_name in {r.spec.dataset for r in demo.results.values()}:
        names |= _names(ds_name)
    findings = scan_folder(demo.out, names)
    assert not {path: hits[:3] for path, hits in findings.items()}


def test_documents_in_the_report_are_reproducible(demo):
    from kit.ledger import Ledger

    res = demo.results["SS05"]
    ds = kit.datasets.load(res.spec.dataset)
    ledger = Ledger(demo.out / "ledger" / "ledger.db", actor="test")
    try:
        doc = kit.docs.specification(res.spec, res.evaluation, res.clues, ds, ledger, lang="zh",
                                     back_link="../index.html")  # fmt: skip
    finally:
        ledger.close()
    assert (demo.out / "SS05" / "spec.zh.html").read_text(encoding="utf-8") == doc.html
    assert demo.seconds < 300
