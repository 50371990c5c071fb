"""odoo.conf's ``smtp_ssl`` read as each Odoo version reads it.

Each version's own ``odoo.tools.config.parse_config`` runs (in that version's Python) on
odoo.conf files with many spellings of the option; whether Odoo would then use STARTTLS
(``IrMailServer.connect``: ``if smtp_encryption is None and config.get('smtp_ssl')``),
or refuse to start, must be what the console reads from the same file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from console.config.odoo_conf import read_odoo_conf, smtp_ssl_enabled, smtp_ssl_problem
from tests.real_odoo.odoo_instance import OdooInstance

VALUES = ["True", "true", "1", "yes", "on", "TRUE", "0", "no", "off", "False", "false",
          "FALSE", "None", "", "starttls", "ssl"]  # fmt: skip

ODOO_READS = """
import json, sys
sys.path.insert(0, sys.argv[1])
from odoo.tools import config
answers = []
for path in sys.argv[2:]:
    try:
        config.parse_config(['-c', path])
        answers.append(bool(config.get('smtp_ssl')))
    except BaseException as error:  # optparse exits (SystemExit) on a bad value
        answers.append(None)
print(json.dumps(answers))
"""


def test_smtp_ssl_as_odoo_reads_it(odoo: OdooInstance, tmp_path: Path) -> None:
    files = []
    for number, value in enumerate(VALUES):
        path = tmp_path / f"odoo{number}.conf"
        path.write_text(f"[options]\nsmtp_ssl = {value}\n")
        files.append(path)
    done = subprocess.run(
        [str(odoo.python), "-W", "ignore", "-c", ODOO_READS, str(odoo.tree.source),
         *map(str, files)],
        capture_output=True, text=True, cwd=odoo.tree.source, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    odoo_answers = json.loads(done.stdout.strip().splitlines()[-1])
    for value, path, odoo_starttls in zip(VALUES, files, odoo_answers, strict=True):
        conf = read_odoo_conf(path)
        if odoo_starttls is None:  # Odoo does not start with this file
            assert smtp_ssl_problem(conf, odoo.version), value
        else:
            assert smtp_ssl_problem(conf, odoo.version) is None, value
            assert smtp_ssl_enabled(conf, odoo.version) is odoo_starttls, value
    by_value = dict(zip(VALUES, odoo_answers, strict=True))
    if odoo.version <= 18:  # any value but empty or False means STARTTLS
        assert by_value["0"] is by_value["no"] is by_value["None"] is True
    else:
        assert by_value["0"] is by_value["no"] is False and by_value["starttls"] is None
