"""Runs INSIDE real Odoo's Python (its own virtualenv), never imported by the test suite.

    python agent_main.py ODOO_SOURCE_TREE ODOO_CONF

One Odoo process serves many snippets, so a test pays Odoo's start-up and each database's
registry load once instead of once per ``odoo-bin shell``. Requests are JSON lines on
stdin: ``{"db": NAME, "code": PYTHON, "args": {...}, "uid": 1, "context": {...}}``. The
snippet runs with ``env`` (an ORM environment on a fresh cursor of that database), ``odoo``
and ``args`` in scope and may set ``result``; the cursor is committed when the snippet
returns (as ``odoo-bin shell`` code that ends with ``env.cr.commit()``), rolled back when it
raises. Each answer is one line on stdout behind ``MARKER`` (Odoo may print other lines):
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": TRACEBACK}``.
"""

import base64
import datetime
import json
import os
import sys
import threading
import traceback

MARKER = "@@odoo-agent@@ "


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "ids") and hasattr(value, "_name"):  # a recordset
        return list(value.ids)
    return str(value)


def _answer(payload):
    sys.stdout.write(MARKER + json.dumps(payload, default=_jsonable) + "\n")
    sys.stdout.flush()


def main():
    tree, conf = sys.argv[1], sys.argv[2]
    sys.path.insert(0, tree)
    os.chdir(tree)
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.service import server
    from odoo.tools import config

    config.parse_config(["-c", conf, "--no-http"])
    server.start(preload=[], stop=True)
    _answer({"ok": True, "result": {"version": odoo.release.version_info[0]}})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        db = request["db"]
        threading.current_thread().dbname = db
        namespace = {"odoo": odoo, "args": request.get("args") or {}, "result": None}
        try:
            registry = Registry(db)
            with registry.cursor() as cr:
                env = api.Environment(cr, request.get("uid", 1), request.get("context") or {})
                namespace["env"] = env
                exec(compile(request["code"], "<snippet>", "exec"), namespace)
                env.flush_all()
            _answer({"ok": True, "result": namespace.get("result")})
        except Exception:
            _answer({"ok": False, "error": traceback.format_exc()})


if __name__ == "__main__":
    main()
