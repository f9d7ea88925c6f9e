"""``CharTokenizer``: one token id per character, and one more for BOS, as in microgpt.

The characters of the documents, sorted, get the ids 0, 1, … ; BOS, the
token that begins a document and also ends it, gets the next id,
``len(chars)``. For lowercase names that is ``a`` = 0 … ``z`` = 25 and
BOS = 26, a vocabulary of 27.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .._checks import describe, is_int

__all__ = ["CharTokenizer"]


class CharTokenizer:
    """Characters to token ids and back, with a BOS token (see the module docstring).

    Args:
        docs: The documents whose characters make the vocabulary (strings).

    Attributes:
        chars: The characters, sorted; ``chars[i]`` has id ``i``.
        bos: The id of BOS, ``len(chars)``.
        vocab_size: ``len(chars) + 1``.

    Raises:
        TypeError: If ``docs`` is not a list of strings.
        ValueError: If the documents hold no character.

    Examples:
        >>> tok = CharTokenizer(["emma", "olivia", "bcdfghjknpqrstuwxyz"])
        >>> tok.vocab_size, tok.bos
        (27, 26)
        >>> tok.encode("emma")
        [26, 4, 12, 12, 0, 26]
        >>> tok.decode([26, 4, 12, 12, 0, 26])
        'emma'
    """

    def __init__(self, docs: Iterable[str]) -> None:
        if isinstance(docs, str) or not isinstance(docs, Iterable):
            raise TypeError(f"CharTokenizer expects a list of strings, got {describe(docs)}")
        seen: set[str] = set()
        for index, doc in enumerate(docs):
            if not isinstance(doc, str):
                raise TypeError(f"CharTokenizer expects a list of strings, got docs[{index}] = {describe(doc)}")
            seen.update(doc)
        if not seen:
            raise ValueError("CharTokenizer found no character in the documents")
        self.chars = "".join(sorted(seen))
        self.bos = len(self.chars)
        self.vocab_size = self.bos + 1
        self._ids = {char: index for index, char in enumerate(self.chars)}

    @classmethod
    def from_chars(cls, chars: str) -> CharTokenizer:
        """The tokenizer whose vocabulary is ``chars`` (as saved from ``tokenizer.chars``)."""
        if not isinstance(chars, str):
            raise TypeError(f"CharTokenizer.from_chars expects a string, got {describe(chars)}")
        return cls([chars])

    def encode(self, doc: str) -> list[int]:
        """``[BOS, id(c1), ..., id(cn), BOS]`` for the document ``c1 … cn``.

        Raises:
            TypeError: If ``doc`` is not a string.
            ValueError: If ``doc`` is empty or holds a character outside the vocabulary.
        """
        if not isinstance(doc, str):
            raise TypeError(f"encode expects a string, got {describe(doc)}")
        if not doc:
            raise ValueError("encode expects a non-empty document, got ''")
        unknown = sorted(set(doc) - self._ids.keys())
        if unknown:
            raise ValueError(
                f"encode: {doc!r} holds characters outside the vocabulary: {''.join(unknown)!r} "
                f"(the vocabulary is {self.chars!r})"
            )
        ids = self._ids
        return [self.bos, *(ids[char] for char in doc), self.bos]

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``: a leading BOS is skipped, and the text stops at the next BOS.

        Raises:
            TypeError: If an id is not an int.
            ValueError: If an id is outside ``0 .. vocab_size - 1``.
        """
        if isinstance(ids, str) or not isinstance(ids, Sequence):
            raise TypeError(f"decode expects a list of token ids, got {describe(ids)}")
        out: list[str] = []
        for index, token in enumerate(ids):
            if not is_int(token):
                raise TypeError(f"decode expects int token ids, got ids[{index}] = {describe(token)}")
            if not 0 <= token < self.vocab_size:
                raise ValueError(f"decode: ids[{index}] = {token} is not a token id (0..{self.vocab_size - 1})")
            if token == self.bos:
                if out or index > 0:
                    break
                continue
            out.append(self.chars[token])
        return "".join(out)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size}, chars={self.chars!r})"
