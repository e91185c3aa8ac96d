"""Placeholder until implemented."""

from __future__ import annotations


def collect_agencies(text: str, document: dict, tasks: list[dict], citations: list[dict]) -> list[dict]:
    return []
