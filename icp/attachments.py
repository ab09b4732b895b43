"""Attached files: bytes stored outside the database under their SHA-256, metadata in `Attachment`."""
import hashlib
from pathlib import Path

from flask import current_app

from models import Attachment

# Accepted content types and how their bytes begin (a declared type is trusted only when they match).
ATTACHMENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
    "text/plain": b"",
}


def attachment_type_sniff(declared: str, data: bytes) -> str | None:
    """The content type when `data` really is what `declared` says and the type is accepted, else None."""
    magic = ATTACHMENT_TYPES.get(declared)
    if magic is None:
        return None
    if declared == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return declared
    return declared if data.startswith(magic) else None


def attachment_path(attachment: Attachment) -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"]) / attachment.sha256


def attachment_store(attachment: Attachment, *, data: bytes, filename: str, content_type: str) -> Attachment:
    """Write the bytes (once per distinct content) and fill the attachment's metadata."""
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(current_app.config["ATTACHMENT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / digest
    if not target.exists():
        target.write_bytes(data)
    attachment.filename = Path(filename).name[:255]
    attachment.size = len(data)
    attachment.content_type = content_type
    attachment.sha256 = digest
    return attachment
