# Shared by tests/run.sh and scripts/console.sh (sourced, not run): a virtualenv for the
# project, made with the system python3, installing Debian's python3-venv when it lacks
# ensurepip and we are root.

step() { printf '\n==> %s\n' "$*" >&2; }  # stderr: stdout stays the command's

apt_install() {  # apt_install PACKAGE...: quietly, the log shown only when it fails
    local log rc=0
    log="$(mktemp)"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
    } </dev/null >"$log" 2>&1 || rc=$?
    if [[ "$rc" != 0 ]]; then
        tail -n 40 "$log" >&2
        echo "apt-get install $* failed (exit $rc); full log: $log" >&2
        return "$rc"
    fi
    rm -f "$log"
}

make_venv() {  # make_venv DIR: a virtualenv with pip, installing python3-venv if needed
    local dir="$1" existed=0
    if [[ -e "$dir" ]]; then
        existed=1
        if [[ ! -f "$dir/pyvenv.cfg" && -n "$(ls -A "$dir")" ]]; then
            echo "$dir exists and is not a virtualenv: set ODOO_MAILQ_VENV to another folder" >&2
            return 1
        fi
    fi
    if python3 -m venv --clear "$dir" >/dev/null 2>&1; then
        return 0
    fi
    [[ "$existed" == 0 ]] && rm -rf "$dir"  # a half-made one, without pip
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        echo "python3 -m venv $dir failed: install Debian's python3-venv (or run as root)," \
            "or set ODOO_MAILQ_SYSTEM_PYTHON=1 to install into the system Python" >&2
        return 1
    fi
    step "python3 -m venv failed (no ensurepip): installing the Debian package 'python3-venv'"
    local versioned
    versioned="python$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    apt_install python3-venv || apt_install "$versioned"
    python3 -m venv --clear "$dir" >/dev/null || {
        echo "python3 -m venv $dir still fails after installing python3-venv" >&2
        return 1
    }
}

use_venv() {  # use_venv: $ODOO_MAILQ_VENV (default .venv here) made if needed, then active
    local venv="${ODOO_MAILQ_VENV:-$PWD/.venv}"
    if ! "$venv/bin/python" -c 'import pip' >/dev/null 2>&1; then
        step "virtualenv $venv: creating it"
        make_venv "$venv"
    fi
    # Its python3 and its tools first: pytest's subprocesses (sys.executable) and the
    # real-Odoo tier (uv on PATH) use the virtualenv too.
    export VIRTUAL_ENV="$venv"
    export PATH="$venv/bin:$PATH"
    hash -r
}
