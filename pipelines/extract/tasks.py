"""Placeholder until implemented."""

from __future__ import annotations


def extract_tasks(text: str, document: dict) -> list[dict]:
    return []
