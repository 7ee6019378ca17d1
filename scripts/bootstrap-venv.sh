#!/usr/bin/env bash
# Create the project's virtual environment, installing Debian's venv support if it is missing.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "progman needs Python 3.11 or newer as '$python' (set PYTHON=... to choose another)" >&2
    exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "'$python -m venv' failed: installing Debian's python${version}-venv" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${version}-venv"
    "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
