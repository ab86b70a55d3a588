"""The batch dashboard in a real headless Chromium (Debian's): it renders offline, the filters work and
the console stays clean. The screenshot is kept in the pytest tmp dir and copied to out/test-artefacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from headless import Browser, chromium_path
from prefecture import build_prefecture

from analogscan.cli import main

REPO = Path(__file__).resolve().parents[1]


def _count(browser: Browser, selector: str) -> int:
    return browser.evaluate(f"[].filter.call(document.querySelectorAll('{selector}'),"
                            "function(e){return !e.hidden && e.offsetParent!==null;}).length")


def _set(browser: Browser, js: str) -> None:
    browser.evaluate(f"(function(){{var e={js}; e.dispatchEvent(new Event('change'));}})()")


def test_dashboard_renders_and_filters_in_headless_chromium(shared: Path, tmp_path: Path) -> None:
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium; apt-get install chromium)")
    root = build_prefecture(shared, tmp_path / "root")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(root), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    page = out / "dashboard.html"
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html.split("<footer>")[0].replace('xmlns="http://', "")  # nothing to fetch
    with Browser(exe) as browser:
        browser.open(page.as_uri())
        assert browser.evaluate("document.title") == "analogscan 一括点検"
        assert _count(browser, "tr.muni") == 10 and _count(browser, ".group") == 3
        assert browser.evaluate("document.querySelector('#matrix tr.total td:nth-child(11)').textContent") == "18"
        shot = tmp_path / "batch-dashboard.png"
        browser.screenshot(shot)

        _set(browser, "document.getElementById('f-muni'); e.value='新庄村'")  # one municipality
        assert _count(browser, "tr.muni") == 1 and _count(browser, ".group") == 2
        assert browser.evaluate("document.getElementById('groups-shown').textContent") == "2"
        _set(browser, "document.getElementById('f-muni'); e.value=''")
        _set(browser, "document.querySelector('input.f-type[value=visit_viewing]'); e.checked=false")  # a type off
        assert _count(browser, ".group") == 1 and _count(browser, "#matrix th[data-type]") == 8
        _set(browser, "document.getElementById('f-model'); e.checked=true")  # groups with a model only
        assert _count(browser, ".group") == 0
        assert browser.console_errors() == []
        assert browser.requested_urls() == [page.as_uri()]  # the page itself, nothing else
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    artefacts = REPO / "out" / "test-artefacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, artefacts / shot.name)
