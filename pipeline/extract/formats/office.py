"""DOC / WPS / RTF (and anything else LibreOffice opens) → DOCX via LibreOffice → blocks.

Legacy binary Word and WPS files are still common on county portals. LibreOffice converts
them faithfully, merged cells included; the DOCX reader does the rest. Each conversion runs
in its own temporary directory with its own LibreOffice profile (concurrent conversions
sharing a profile block each other) and is killed, with its whole process group, when it
exceeds the time limit, and also when the conversion is abandoned for any other reason: LibreOffice
runs in its own session, so a terminal's Ctrl-C (which reaches the caller's process group) never
reaches it, and a KeyboardInterrupt in the caller would otherwise leave it running.
`kill_conversions()` kills those still running; a parser worker calls it when its parent is gone.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.extract.blocks import Block
from pipeline.extract.formats import UnreadableDocument
from pipeline.extract.formats import docx as docx_reader
from pipeline.extract.sniff import sniff_format

CONVERT_TIMEOUT_S = 120.0
_RUNNING: set[int] = set()  # process groups of the conversions running in this process
INSTALL_HINT = "install LibreOffice (apt-get install libreoffice-writer) to read .doc/.wps/.rtf"


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None,
                timeout_s: float = CONVERT_TIMEOUT_S) -> list[Block]:
    """Blocks of a DOC/WPS/RTF document, read through a LibreOffice conversion to DOCX."""
    kind = sniff_format(data, filename=filename, content_type=content_type)
    return docx_reader.read_blocks(convert_to_docx(data, suffix=f".{kind if kind in ('doc', 'wps', 'rtf') else 'doc'}",
                                                   timeout_s=timeout_s))


def convert_to_docx(data: bytes, *, suffix: str = ".doc", timeout_s: float = CONVERT_TIMEOUT_S) -> bytes:
    """The document converted to DOCX by `soffice --headless --convert-to docx`."""
    soffice = soffice_path()
    if not soffice:
        raise UnreadableDocument(f"this is a {suffix.lstrip('.').upper()} file: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        source = Path(tmp) / f"document{suffix}"
        source.write_bytes(data)
        command = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "docx", "--outdir", str(Path(tmp) / "out"), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, env={**os.environ, "HOME": tmp})
        _RUNNING.add(process.pid)
        try:
            _, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.communicate()
            raise UnreadableDocument(f"LibreOffice did not convert the {suffix} file within {timeout_s:g} s: "
                                     "the file is damaged or pathological") from None
        except BaseException:  # KeyboardInterrupt, SystemExit, …: never leave LibreOffice behind
            _kill_group(process.pid)
            process.wait()
            raise
        finally:
            _RUNNING.discard(process.pid)
        converted = Path(tmp) / "out" / "document.docx"
        if process.returncode != 0 or not converted.exists():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise UnreadableDocument(f"LibreOffice could not convert the {suffix} file ({detail[0]}): "
                                     "it is damaged or not a word-processor document")
        return converted.read_bytes()


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def kill_conversions() -> None:
    """Kill every LibreOffice conversion this process started that is still running, with its children."""
    for pgid in list(_RUNNING):
        _kill_group(pgid)
