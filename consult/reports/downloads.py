"""An export as an HTTP download, shared by the report page and the API.

The file is complete and hashed before the response starts, and the audit entry with its
SHA-256 is committed first: what an analyst received can be checked against the record
(`X-Export-SHA256` repeats the digest). The bytes are sent from the temporary file, never
from memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from flask import Response
from flask_babel import gettext as _

from consult.core.database import replica_session
from consult.core.transaction import transaction
from consult.errors import ValidationError
from consult.reports import exports


def personal_data_arg(raw: str | None) -> bool:
    """`emails=1` asks for personal data; absent, empty or `0` does not; anything else 422."""
    if raw in (None, "", "0"):
        return False
    if raw == "1":
        return True
    raise ValidationError(
        _("emails must be 0 or 1."), {"emails": _("One of: %(allowed)s.", allowed="0, 1")}
    )


def export_response(
    kind: str, fmt: str, options: exports.ExportOptions, *, actor_id: int | None, via: str
) -> Response:
    """Build the export (on the read replica when there is one), put it on the record (on
    the primary), then send it as an attachment."""
    with replica_session():
        export = exports.build_export(kind, fmt, options)
    try:
        with transaction():  # on the record before a byte leaves
            exports.record_export(export, options, actor_id=actor_id, via=via)
    except BaseException:
        export.file.close()
        raise
    return Response(
        _chunks(export.file),
        mimetype=export.mimetype,
        headers={
            "Content-Disposition": f"attachment; filename={export.filename}",
            "Content-Length": str(export.size),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "X-Export-SHA256": export.sha256,
            "X-Export-Rows": str(export.rows),
        },
    )


def _chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file a chunk at a time; closed (and so deleted) once sent or abandoned."""
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.close()
