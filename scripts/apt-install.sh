#!/usr/bin/env bash
# Install Debian packages the project needs (e.g. chromium for the browser tests), as root
# or through sudo, without questions.
set -euo pipefail
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "apt-install: installing $*" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
