"""Issue 9, item 4: a per-document time limit (setting ``limits.max_seconds``).

A document that takes too long fails with "timed out after N s", named, and the batch goes
on: in this process, in the local engine's worker processes, and (without interrupting) in
other threads.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from eventscope import pipeline as pipeline_module
from eventscope.deadlines import time_limit
from eventscope.errors import TimeLimitError
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.records import Extraction, Failure
from eventscope.settings import Limits, load_settings

FAST = "Police in Lagos arrested dozens of protesters on Monday, the state government said."
SLOW = "SLOW: the army shelled rebel positions near Goma on Tuesday, officials said."


def _spin(seconds: float) -> None:
    """Pure-Python busy work (no sleeping), like a stage stuck in a loop."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_over_its_limit_is_interrupted_and_named() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitError) as caught:
        with time_limit(0.2, document="doc.txt"):
            _spin(10)
    assert time.monotonic() - started < 2
    assert str(caught.value) == "doc.txt: timed out after 0.2 s (settings: limits.max_seconds)"
    with time_limit(0, document="x"):  # 0: no limit
        time.sleep(0.01)
    with time_limit(5, document="x"):  # finished in time: the timer is off afterwards
        pass
    time.sleep(0.1)


def test_an_outer_limit_survives_an_inner_one() -> None:
    with pytest.raises(TimeLimitError, match="outer"):
        with time_limit(0.4, document="outer"):
            with time_limit(5, document="inner"):
                time.sleep(0.05)
            _spin(10)


def test_in_another_thread_the_overrun_is_reported_when_it_ends() -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with time_limit(0.1, document="threaded"):
                time.sleep(0.3)
        except TimeLimitError as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(5)
    assert [str(e) for e in errors] == [
        "threaded: timed out after 0.1 s (settings: limits.max_seconds)"
    ]


def _limited_spin(seconds: float) -> str:
    try:
        with time_limit(0.2, document="in a worker"):
            _spin(seconds)
    except TimeLimitError as exc:
        return str(exc)
    return "finished"


def test_the_limit_interrupts_in_a_spawned_worker_process() -> None:
    # The local engine's workers are spawned processes running tasks on their main thread.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        started = time.monotonic()
        assert pool.submit(_limited_spin, 30).result(timeout=60) == (
            "in a worker: timed out after 0.2 s (settings: limits.max_seconds)"
        )
        assert time.monotonic() - started < 20
        assert pool.submit(_limited_spin, 0.01).result(timeout=60) == "finished"


def test_setting_is_read_and_defaults(tmp_path: Path) -> None:
    assert load_settings().limits.max_seconds == Limits().max_seconds == 60.0
    path = tmp_path / "es.toml"
    path.write_text("[limits]\nmax_seconds = 2.5\n", encoding="utf-8")
    assert load_settings(path).limits.max_seconds == 2.5


# -- through the pipeline (the real model) ---------------------------------------------------


class _SlowParser:
    """The model, but parsing a text that starts with SLOW takes ten seconds."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, text: str) -> Any:
        if text.startswith("SLOW"):
            _spin(10)
        return self._nlp(text)

    def pipe(self, texts: Any) -> Any:
        for text in texts:
            yield self(text)


def _articles() -> list[Any]:
    return [
        make_article(FAST, origin="fast-1.txt"),
        make_article(SLOW, origin="slow.txt"),
        make_article(FAST.replace("Monday", "Friday"), origin="fast-2.txt"),
    ]


def _limited(nlp: Any, seconds: float) -> Pipeline:
    settings = load_settings()
    settings = settings.replace(limits=Limits(max_seconds=seconds), batch_size=8)
    return Pipeline(settings, nlp=nlp)


@pytest.mark.slow
def test_a_slow_stage_fails_its_document_and_the_batch_goes_on(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline_module.find_events

    def slow_events(doc: Any, *args: Any, **kwargs: Any) -> Any:
        if doc.text.startswith("SLOW"):
            _spin(10)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "find_events", slow_events)
    started = time.monotonic()
    results = list(_limited(nlp, 0.5).extract_many(_articles()))
    assert time.monotonic() - started < 8
    fast_1, slow, fast_2 = results
    assert isinstance(fast_1, Extraction) and isinstance(fast_2, Extraction)
    assert isinstance(slow, Failure)
    assert (slow.document, slow.stage, slow.reason) == (
        "slow.txt",
        "extract",
        "timed out after 0.5 s (settings: limits.max_seconds)",
    )


@pytest.mark.slow
def test_a_slow_parse_fails_its_document_and_the_batch_goes_on(nlp: Any) -> None:
    started = time.monotonic()
    results = list(_limited(_SlowParser(nlp), 0.5).extract_many(_articles()))
    # The batch (3 x 0.5 s) runs over, then each document is parsed under its own limit.
    assert time.monotonic() - started < 8
    assert [type(r).__name__ for r in results] == ["Extraction", "Failure", "Extraction"]
    slow = results[1]
    assert isinstance(slow, Failure)
    assert (slow.document, slow.stage) == ("slow.txt", "parse")
    assert slow.reason == "timed out after 0.5 s (settings: limits.max_seconds)"


def test_reading_an_html_page_is_under_the_time_limit_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    from eventscope.ingest import read_documents

    real = trafilatura.bare_extraction

    def stuck(html: Any, **options: Any) -> Any:
        if b"STUCK" in (html if isinstance(html, bytes) else html.encode()):
            _spin(30)  # a page that would hang the extractor
        return real(html, **options)

    monkeypatch.setattr(trafilatura, "bare_extraction", stuck)
    body = "<p>The army shelled rebel positions near Goma on Tuesday, officials said.</p>" * 3
    (tmp_path / "a-stuck.html").write_text(f"<html><body><!-- STUCK -->{body}</body></html>")
    (tmp_path / "b-fine.html").write_text(f"<html><body><article>{body}</article></body></html>")
    started = time.monotonic()
    results = list(read_documents([str(tmp_path)], max_seconds=0.5))
    assert time.monotonic() - started < 10
    failure, article = results
    assert isinstance(failure, Failure) and failure.document.endswith("a-stuck.html")
    assert "timed out after 0.5 s" in failure.reason and "limits.max_seconds" in failure.reason
    assert not isinstance(article, Failure) and "Goma" in article.text
