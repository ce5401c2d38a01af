"""Reading the PDFs the service makes, for tests: their text and their structure tree (what a
screen reader navigates)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdf


def reader_of(pdf: bytes | pypdf.PdfReader) -> pypdf.PdfReader:
    return pdf if isinstance(pdf, pypdf.PdfReader) else pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes | pypdf.PdfReader) -> str:
    """Every page's text, with runs of white space made one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader_of(pdf).pages)


def structure_elements(pdf: bytes | pypdf.PdfReader) -> Iterator[pypdf.generic.DictionaryObject]:
    """Every element of the structure tree, in document order."""

    def walk(node: object) -> Iterator[pypdf.generic.DictionaryObject]:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                yield from walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                yield node
            if "/K" in node:
                yield from walk(node["/K"])

    yield from walk(reader_of(pdf).root_object["/StructTreeRoot"])


def figures(pdf: bytes | pypdf.PdfReader) -> list[str]:
    """The alt text of every Figure, in order."""
    return [str(node.get("/Alt", "")) for node in structure_elements(pdf)
            if node.get("/S") == "/Figure"]
