#!/usr/bin/env bash
# Install the front-end packages of package-lock.json (npm ci) and copy what progman serves
# into the Python package (src/progman/api/static/, src/progman/web/static/vendor/), so that pages work offline and no
# asset comes from a CDN. Installs Debian's nodejs and npm when npm is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "assets: npm not found; installing Debian's nodejs and npm" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

target=src/progman/api/static/swagger-ui
rm -rf "$target"
mkdir -p "$target"
for file in swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
    cp "node_modules/swagger-ui-dist/$file" "$target/"
done
echo "assets: swagger-ui $(node -p "require('./node_modules/swagger-ui-dist/package.json').version") in $target" >&2

# the web UI's Gantt chart (MIT community edition)
target=src/progman/web/static/vendor/dhtmlx-gantt
rm -rf "$target"
mkdir -p "$target"
cp node_modules/dhtmlx-gantt/codebase/dhtmlxgantt.js node_modules/dhtmlx-gantt/codebase/dhtmlxgantt.css \
    node_modules/dhtmlx-gantt/LICENSE.md "$target/"
echo "assets: dhtmlx-gantt $(node -p "require('./node_modules/dhtmlx-gantt/package.json').version") in $target" >&2
