"""Ingest: files, folders, HTML pages, JSON lines, WARC files, feeds and standard input ->
validated Articles.

``read_documents`` reads paths and yields an Article or a Failure per document;
``make_article`` validates one text and its metadata (the checks every reader shares).
"""

from __future__ import annotations

from eventscope.ingest.article import make_article, normalise_text, parse_published
from eventscope.ingest.files import SUFFIX_KINDS, count_documents, decode_text, read_documents
from eventscope.ingest.html import HtmlContent, extract_html
from eventscope.ingest.language import LanguageVerdict, judge_english, load_function_words

__all__ = [
    "SUFFIX_KINDS",
    "count_documents",
    "HtmlContent",
    "LanguageVerdict",
    "decode_text",
    "extract_html",
    "judge_english",
    "load_function_words",
    "make_article",
    "normalise_text",
    "parse_published",
    "read_documents",
]
