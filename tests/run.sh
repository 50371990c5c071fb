#!/usr/bin/env bash
# The project's one test command:  bash tests/run.sh [pytest args...]
#
# 1. installs the PostgreSQL server binaries (Debian package `postgresql`) if
#    missing -- the tests start their own throwaway cluster, never the service;
# 2. installs the project with its `test` extra (`pip install -e '.[test]'`) into a
#    virtualenv: $ODOO_MAILQ_VENV, by default .venv in the repository (git-ignored),
#    made on the first run and reused after; its bin/ goes first on PATH. The system
#    Python is left alone unless asked: ODOO_MAILQ_SYSTEM_PYTHON=1 installs into
#    python3 itself instead (past PEP 668's "externally-managed-environment", for a
#    disposable box). On Debian, `python3 -m venv` needs the package `python3-venv`
#    (ensurepip): installed with apt when missing and run as root, else one line says so;
# 3. ruff check, ruff format --check, mypy (when console/ exists), then pytest.
#    Any failure -> non-zero exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_ROOT_USER_ACTION=ignore

# shellcheck source=../scripts/venv.sh
source scripts/venv.sh

have_pg_server() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

install_pg_server() {
    if [[ "$(id -u)" != 0 ]]; then
        echo "PostgreSQL server binaries missing; run as root or install the 'postgresql' package." >&2
        return 1
    fi
    local log policy_added=0
    log="$(mktemp)"
    # Keep the Debian service from being started by the package scripts.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        policy_added=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            postgresql
    } </dev/null >"$log" 2>&1 || rc=$?
    if [[ "$policy_added" == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
    if [[ "$rc" != 0 ]]; then
        tail -n 40 "$log" >&2
        echo "apt-get install postgresql failed (exit $rc); full log: $log" >&2
        return "$rc"
    fi
    rm -f "$log"
}

if have_pg_server; then
    step "PostgreSQL server binaries: found"
else
    step "PostgreSQL server binaries: missing, installing the Debian package 'postgresql'"
    install_pg_server
    have_pg_server || { echo "still no initdb/pg_ctl after installing postgresql" >&2; exit 1; }
fi

if [[ "${ODOO_MAILQ_SYSTEM_PYTHON:-0}" == 1 ]]; then
    # Asked for: the system Python, even a Debian one that is "externally managed".
    export PIP_BREAK_SYSTEM_PACKAGES=1
    step "pip install -e '.[test]' into the system Python (ODOO_MAILQ_SYSTEM_PYTHON=1)"
else
    use_venv
    step "pip install -e '.[test]' into $VIRTUAL_ENV"
fi
python3 -m pip install -q -e '.[test]' </dev/null

# promtool (Debian's `prometheus` package) checks monitoring/'s alert rules when it can be
# had: the package is unpacked into the test cache, never installed (its service would
# start); without it tests/test_monitoring.py skips those two checks and says why.
fetch_promtool() {
    local cache="${ODOO_MAILQ_TEST_CACHE:-$HOME/.cache/odoo-mailq-tests}/promtool"
    if [[ ! -x "$cache/usr/bin/promtool" ]] && command -v apt-get >/dev/null 2>&1; then
        local work
        work="$(mktemp -d)"
        (cd "$work" && apt-get download prometheus >/dev/null 2>&1 ||
            { [[ "$(id -u)" == 0 ]] && apt-get update -q >/dev/null 2>&1 &&
              apt-get download prometheus >/dev/null 2>&1; }) &&
            mkdir -p "$cache" && dpkg-deb -x "$work"/prometheus_*.deb "$cache" || true
        rm -rf "$work"
    fi
    if [[ -x "$cache/usr/bin/promtool" ]]; then
        export PATH="$PATH:$cache/usr/bin"
        step "promtool: $cache/usr/bin/promtool"
    else
        step "promtool: not available (monitoring/ rules checked without it)"
    fi
}
command -v promtool >/dev/null 2>&1 || fetch_promtool

lint_dirs=()
for d in console tests testkit sample_db bench; do
    [[ -d "$d" ]] && lint_dirs+=("$d")
done
if ((${#lint_dirs[@]})); then
    step "ruff check ${lint_dirs[*]}"
    python3 -m ruff check -q "${lint_dirs[@]}"
    step "ruff format --check ${lint_dirs[*]}"
    python3 -m ruff format --check -q "${lint_dirs[@]}"
fi

if [[ -d console ]]; then
    step "mypy"
    python3 -m mypy
fi

step "pytest $*"
rc=0
python3 -m pytest -q "$@" </dev/null || rc=$?
if [[ "$rc" == 5 ]]; then
    echo "pytest collected no tests: counted as a failure" >&2
fi
exit "$rc"
