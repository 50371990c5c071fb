#!/usr/bin/env bash
# The console from this repository:  bash scripts/console.sh [odoo-mailq arguments...]
#
# Makes (once) the virtualenv $ODOO_MAILQ_VENV (default .venv here, git-ignored) with the
# system python3, installing Debian's python3-venv when run as root and it is missing,
# installs the console into it (editable) and runs odoo-mailq: with no argument, the TUI
# on the bundled sample. Nothing is written into the system Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# shellcheck source=venv.sh
source scripts/venv.sh
use_venv
if ! "$VIRTUAL_ENV/bin/odoo-mailq" --version >/dev/null 2>&1; then
    step "pip install -e . into $VIRTUAL_ENV"
    python3 -m pip install -q -e . </dev/null
fi
exec "$VIRTUAL_ENV/bin/odoo-mailq" "$@"
