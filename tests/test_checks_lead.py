"""The lead-agency check reads each record once: later runs parse only new or changed records."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipelines.checks import LEAD_CACHE_FILE, leaderless_tasks
from pipelines.settings import Settings


def _record(settings: Settings, key: str, leads: list[str | None]) -> Path:
    tasks = [{"section": "II", "index": str(n + 1), "lead": lead} for n, lead in enumerate(leads)]
    path = settings.record_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"source": key, "tasks": tasks}), encoding="utf-8")
    return path


def test_leaderless_tasks_follow_changed_and_removed_records(tmp_path: Path) -> None:
    settings = Settings.from_root(tmp_path, raw_dir=tmp_path / "raw", outputs_dir=tmp_path / "outputs",
                                  inbox_dir=tmp_path / "inbox", quarantine_dir=tmp_path / "q")
    settings.raw_dir.mkdir()
    for key in ("a.txt", "b.txt"):
        (settings.raw_dir / key).write_text("KẾ HOẠCH", encoding="utf-8")
        meta = settings.source_meta_path(key)
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text("{}", encoding="utf-8")
    _record(settings, "a.txt", ["Sở Y tế", None])
    b = _record(settings, "b.txt", ["Sở Tài chính"])

    assert leaderless_tasks(settings) == (3, ["a.txt II 2"])
    assert (settings.work_dir / LEAD_CACHE_FILE).is_file()
    assert leaderless_tasks(settings) == (3, ["a.txt II 2"])  # from the cache

    _record(settings, "b.txt", [None, None, "Sở Nội vụ"])
    stat = b.stat()
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new version, whatever the clock
    assert leaderless_tasks(settings) == (5, ["a.txt II 2", "b.txt II 1", "b.txt II 2"])

    (settings.raw_dir / "a.txt").unlink()  # a source removed from the corpus no longer counts
    assert leaderless_tasks(settings) == (3, ["b.txt II 1", "b.txt II 2"])
