"""Placeholder until implemented."""

from __future__ import annotations


def extract_targets(text: str, document: dict) -> list[dict]:
    return []
