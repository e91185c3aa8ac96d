"""Placeholder until implemented."""

from __future__ import annotations


def extract_citations(text: str, document: dict) -> list[dict]:
    return []


def numbers_mentioned(fragment: str, citations: list[dict]) -> list[str]:
    return []
