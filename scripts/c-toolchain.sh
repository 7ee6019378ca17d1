#!/usr/bin/env bash
# A C compiler and Python's headers, for the ahead-of-time kernels `progman init` builds
# (src/progman/engine/aot_build.py): installs Debian's gcc and pythonX.Y-dev when missing.
# The engine works without them (numba alone), so a failure here is not fatal.
set -uo pipefail
python=${1:-python3}
packages=()
command -v cc >/dev/null || packages+=(gcc)
headers=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
if [ ! -f "$headers/Python.h" ]; then
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    packages+=("python${version}-dev")
fi
[ ${#packages[@]} -eq 0 ] && exit 0
"$(dirname "$0")/apt-install.sh" "${packages[@]}" ||
    echo "c-toolchain: could not install ${packages[*]}: the engine will use numba alone" >&2
exit 0
