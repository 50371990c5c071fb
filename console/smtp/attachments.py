"""The bytes Odoo attaches to a message: from its filestore
(``<data_dir>/filestore/<database>/<store_fname>``, dots removed from the name, as
``ir.attachment._full_path``) or from the database (``db_datas``)."""

from __future__ import annotations

import re
from pathlib import Path

from console.smtp.build import AttachmentData
from console.smtp.rows import AttachmentRow


def filestore_path(data_dir: str, dbname: str, store_fname: str) -> Path:
    """``ir.attachment._full_path``: dots removed, no leading or trailing slashes."""
    cleaned = re.sub("[.]", "", store_fname).strip("/\\")
    return Path(data_dir) / "filestore" / dbname / cleaned


class AttachmentUnreadable(Exception):
    """A filestore file the console cannot read: sending would drop the attachment."""


def attachment_content(row: AttachmentRow, data_dir: str, dbname: str) -> AttachmentData | None:
    """The bytes Odoo attaches (None when Odoo sends nothing for it: no data)."""
    if row.store_fname:
        path = filestore_path(data_dir, dbname, row.store_fname)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise AttachmentUnreadable(
                f"attachment {row.name!r} is in Odoo's filestore at {path}, which this "
                f"console cannot read ({exc.strerror or exc}); give Odoo's data_dir with "
                "--data-dir (or -c odoo.conf), or run on the Odoo host"
            ) from None
    else:
        content = row.db_datas or b""
    if not content:
        return None
    return AttachmentData(row.id, row.name, row.mimetype, content)
