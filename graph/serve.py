"""Serve the published store over the SPARQL 1.1 Protocol with Oxigraph's own read-only server.

The server is pointed at the *resolved* version directory (never at the ``outputs/store``
symlink a build may switch), and that version is marked as being read by this process id so
publishing never sweeps it away while the server runs.  The process then becomes the server
(exec), so the mark and the server share one pid.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from graph.store import StoreError, register_reader, resolve_store_dir

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of this environment (installed by the ``oxigraph`` PyPI package)."""
    local = Path(sys.executable).with_name("oxigraph")
    if local.exists():
        return str(local)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("oxigraph: command not found (pip install oxigraph)")
    return found


def serve_command(store_dir: Path, port: int = DEFAULT_PORT, timeout_s: int = DEFAULT_TIMEOUT_S,
                  host: str = "127.0.0.1") -> list[str]:
    return [
        oxigraph_binary(), "serve-read-only", "--location", str(store_dir), "--bind", f"{host}:{port}",
        "--cors", "--union-default-graph", "--timeout-s", str(timeout_s),
    ]


def serve(outputs_dir: Path, port: int = DEFAULT_PORT, timeout_s: int = DEFAULT_TIMEOUT_S,
          host: str = "127.0.0.1") -> None:
    """Replace this process with the Oxigraph server on the published store version (does not return)."""
    store_dir = resolve_store_dir(Path(outputs_dir))
    if store_dir is None:
        raise StoreError(f"{Path(outputs_dir) / 'store'}: no published store (run `vanban build` first)")
    cmd = serve_command(store_dir, port, timeout_s, host)
    register_reader(store_dir, os.getpid())
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)
