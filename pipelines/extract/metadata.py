"""Placeholder until implemented."""

from __future__ import annotations


def extract_metadata(text: str) -> dict:
    """Document metadata (contract `document`)."""
    return {"number": None, "doc_type": None, "issuer": None, "province": None, "date": None, "title": None, "signer": None}
