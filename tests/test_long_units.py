"""Units longer than Sudachi's input limit (49,149 bytes) are tokenised in pieces, with the same
tokens and offsets as the sentences analysed one by one."""

from __future__ import annotations

from analogscan.nlp.tokens import SUDACHI_MAX_BYTES, analyze, pieces

SENTENCE = "職員は、毎年一回以上、施設を目視により点検しなければならない。"  # 31 characters, 93 bytes


def test_pieces_cover_the_text_at_sentence_ends() -> None:
    text = SENTENCE * 1000
    got = list(pieces(text))
    assert [(start, len(piece)) for start, piece in got] == [(0, 16368), (16368, 14632)]
    assert "".join(p for _, p in got) == text and all(p.endswith("。") for _, p in got)
    assert max(len(p.encode("utf-8")) for _, p in got) <= SUDACHI_MAX_BYTES


def test_pieces_of_one_endless_sentence_and_of_short_text() -> None:
    assert [(s, len(p)) for s, p in pieces("あ" * 20000)] == [(0, 16383), (16383, 3617)]
    assert list(pieces(SENTENCE)) == [(0, SENTENCE)]
    assert list(pieces("")) == []


def test_long_unit_tokens_equal_its_sentences_tokens() -> None:
    one = analyze(SENTENCE)
    text = SENTENCE * 1000  # 93,000 bytes: Sudachi alone refuses it
    many = analyze(text)
    n = len(SENTENCE)
    assert [(t.surface, t.lemma, t.start, t.end) for t in many.tokens] == [
        (t.surface, t.lemma, t.start + k * n, t.end + k * n) for k in range(1000) for t in one.tokens]
    assert many.stream == " " + " ".join([one.stream.strip()] * 1000) + " "
