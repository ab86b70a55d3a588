"""Sudachi tokens with canonical lemmas and offsets back into the original text.

A unit is normalised (``normalize``), tokenised with SudachiPy (core dictionary, mode C), and
each token's Sudachi normalised form is folded once more through ``rules/lexicon.toml``
(立ち入る/立入/立入り → 立入, 備え付ける/備付け → 備付, 掲げる → 掲示 …). The lemmas are joined
with spaces into a *lemma stream* (" 職員 に 立入 を する せる ") on which rule patterns are
regular expressions; a match maps back to tokens and from tokens to original characters.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .. import project_dir
from .normalize import Normalized, normalize

_local = threading.local()


class Token(NamedTuple):
    """One Sudachi token (a named tuple: a unit has hundreds, and they are made by the million)."""

    surface: str
    lemma: str
    pos: str
    start: int  # original text offsets
    end: int


@dataclass
class Analysis:
    """A unit's text as tokens and as a lemma stream, with maps between them."""

    text: str
    norm: Normalized
    tokens: list[Token]
    stream: str
    _token_starts: list[int]  # offset of each token's lemma in ``stream``

    def stream_span_to_text(self, a: int, b: int) -> tuple[int, int]:
        """Original-text span covered by the tokens that a stream match [a, b) touches."""
        first = max(bisect.bisect_right(self._token_starts, a) - 1, 0)
        last = max(bisect.bisect_right(self._token_starts, max(b - 1, a)) - 1, first)
        return self.tokens[first].start, self.tokens[last].end


@lru_cache(maxsize=1)
def lexicon(path: Path | None = None) -> dict[str, str]:
    """Sudachi normalised form → canonical lemma used by rule patterns."""
    path = path or project_dir("rules") / "lexicon.toml"
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    table: dict[str, str] = {}
    for canonical, variants in data["lemmas"].items():
        for v in variants:
            table[v] = canonical
    return table


def _tokenizer():
    """One Sudachi tokenizer per thread/process (they are not shareable across threads)."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import Dictionary

        dictionary = Dictionary(dict="core")
        # SudachiPy 0.7 names it tokenizer(); 0.6 (which GiNZA 5.3 pins) create() with the same arguments
        make = getattr(dictionary, "tokenizer", None) or dictionary.create
        tok = make(mode="C", fields={"surface", "pos", "normalized_form"})  # fewer fields, faster morphemes
        _local.tokenizer = tok
    return tok


SUDACHI_MAX_BYTES = 49149  # SudachiPy refuses longer input ("Input is too long")
_PIECE_END_RE = re.compile(r"[。\n]")


def pieces(text: str, max_bytes: int = SUDACHI_MAX_BYTES) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text`` in order, each at most ``max_bytes`` in UTF-8.

    A piece ends after the last 。 or line break that fits, else (one endless sentence) at the
    longest prefix that fits. Text that fits is one piece, so real units are tokenised as before.
    """
    if len(text) * 4 <= max_bytes:  # at most 4 UTF-8 bytes a character: fits without encoding it
        if text:
            yield 0, text
        return
    start = 0
    while start < len(text):
        rest = text[start:]
        if len(rest.encode("utf-8")) <= max_bytes:
            yield start, rest
            return
        cut = len(rest.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore"))
        ends = [m.end() for m in _PIECE_END_RE.finditer(rest, 0, cut)]
        cut = ends[-1] if ends else max(cut, 1)
        yield start, rest[:cut]
        start += cut


def _morphemes(text: str) -> Iterator[Any]:
    """Sudachi morphemes of ``text``, piece by piece; their surfaces, in order, are ``text``."""
    tok = _tokenizer()
    for _base, piece in pieces(text):
        yield from tok.tokenize(piece)


_POS: dict[int, str] = {}  # Sudachi part-of-speech id → its first level (名詞, 動詞 …)
# surface → (word id, lemma, first-level POS) of the word last seen with that surface; lemma None for
# whitespace. Surface and word id decide lemma and POS (an unknown word's id stands for its POS), so
# a morpheme costs two calls into Sudachi and one look-up instead of three calls and three look-ups.
_WORDS: dict[str, tuple[int, str | None, str]] = {}
_WORDS_MAX = 300_000


def _word(m: Any, surface: str, wid: int) -> tuple[int, str | None, str]:
    """The lemma and POS of a morpheme not seen before with this surface and word id."""
    if len(_WORDS) >= _WORDS_MAX:
        _WORDS.clear()
    if not surface.strip():
        entry: tuple[int, str | None, str] = (wid, None, "")
    else:
        lex = lexicon()
        nf = m.normalized_form()
        lemma = lex.get(nf) or lex.get(surface) or nf
        if " " in lemma:
            lemma = lemma.replace(" ", "_")
        pos_id = m.part_of_speech_id()
        pos = _POS.get(pos_id)
        if pos is None:
            pos = _POS[pos_id] = m.part_of_speech()[0]
        entry = (wid, lemma, pos)
    _WORDS[surface] = entry
    return entry


def analyze_many(items: Sequence[tuple[str, Normalized]]) -> list[Analysis]:
    """``analyze`` of many (text, normalisation) pairs. Sudachi first runs over all of them in a row:
    called between other work its dictionary falls out of the CPU caches and it runs at about half
    the speed (1.5 s against 0.7 s for the candidate units of 150 laws)."""
    tok = _tokenizer()
    lists = [[tok.tokenize(piece) for _base, piece in pieces(norm.text)] for _text, norm in items]
    return [analyze(text, norm, itertools.chain.from_iterable(ml)) for (text, norm), ml in zip(items, lists)]


def analyze(text: str, norm: Normalized | None = None, morphemes: Iterable[Any] | None = None) -> Analysis:
    """Tokens and lemma stream of ``text`` (``norm``: its normalisation, if already made;
    ``morphemes``: Sudachi's morphemes of ``norm.text``, if already tokenised)."""
    norm = norm or normalize(text)
    src_start, src_end = norm.src_start, norm.src_end
    new_token = tuple.__new__  # Token(...) without the named tuple's Python-level __new__
    words = _WORDS
    tokens: list[Token] = []
    parts: list[str] = [""]
    starts: list[int] = []
    offset = 1  # the stream starts with a space so every lemma is space-delimited
    end = 0     # the surfaces of all morphemes, in order, are the input text: offsets are their sums
    for m in _morphemes(norm.text) if morphemes is None else morphemes:
        surface = m.surface()
        begin, end = end, end + len(surface)
        wid = m.word_id()
        entry = words.get(surface)
        if entry is None or entry[0] != wid:
            entry = _word(m, surface, wid)
        lemma = entry[1]
        if lemma is None:
            continue
        tokens.append(new_token(Token, (surface, lemma, entry[2], src_start[begin], src_end[end - 1])))
        starts.append(offset)
        parts.append(lemma)
        offset += len(lemma) + 1
    parts.append("")
    return Analysis(text, norm, tokens, " ".join(parts), starts)
