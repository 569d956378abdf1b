"""The source documents the catalogue's provenance cites, by the key it cites them with.

The five seed documents (``shared/seeds/000…004``) are cited as ``"seed NNN"``, the 2017
plan by its document number. Titles are the documents' own (the title in 《》 on their
first lines), with the issuing document number where the document has one.

>>> document_title("seed 004")
'你好，张江——创新圆梦10年路 乘势而上再出发'
>>> cited_documents("seed 001 §四(四); areas: seed 002, seeds 003, 004")
['seed 001', 'seed 002', 'seed 003', 'seed 004']
"""
from __future__ import annotations

import re

__all__ = ["PLAN_2017", "SOURCE_DOCUMENTS", "cited_documents", "document_title", "seed_citation"]

#: Document number of the 2017 Science City plan's approval (cited by number, not as a seed).
PLAN_2017 = "沪府〔2017〕68号"

#: Title of every source document, by citation key.
SOURCE_DOCUMENTS: dict[str, str] = {
    "seed 000": "上海市张江科学城发展“十四五”规划 (沪府发〔2021〕11号)",
    "seed 001": "上海张江高新技术产业开发区“十四五”规划 (沪科创办[2021]72号)",
    "seed 002": "上海张江高新技术产业开发区普陀园“十四五”规划 (普科委〔2021〕17号)",
    "seed 003": "张江科学城扩区提质三年行动方案(2022-2024年)",
    "seed 004": "你好，张江——创新圆梦10年路 乘势而上再出发",
    PLAN_2017: "张江科学城建设规划 (2017)",
}

_SEEDS = re.compile(r"\bseeds? (\d{3}(?:(?:, | and |, and )\d{3})*)")


def document_title(key: str) -> str:
    """The title of the document cited as ``key`` (``key`` itself when unknown)."""
    return SOURCE_DOCUMENTS.get(key, key)


def seed_citation(key: str) -> str:
    """``"seed NNN: <title>"``: how provenance names a seed document."""
    return f"{key}: {document_title(key)}"


def cited_documents(source: str) -> list[str]:
    """Keys of the documents a provenance ``source`` text cites, in order of first mention.

    Finds ``seed NNN``, lists such as ``seeds 003, 004``, and the document numbers of
    :data:`SOURCE_DOCUMENTS`.
    """
    found: list[tuple[int, str]] = []
    for m in _SEEDS.finditer(source):
        found += [(m.start(), f"seed {n}") for n in re.findall(r"\d{3}", m.group(1))]
    for key in SOURCE_DOCUMENTS:
        if not key.startswith("seed ") and key in source:
            found.append((source.index(key), key))
    return list(dict.fromkeys(key for _, key in sorted(found, key=lambda f: f[0])))
