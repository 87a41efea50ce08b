#!/bin/sh
# System packages the tests need (the ../shared/tools wrappers: render-card and
# playground-drive --screenshot drive Chromium; Japanese glyphs need Noto CJK).
# Idempotent: installs only what is missing, and refreshes the apt lists only then.
# Add one package a line to PACKAGES if your feature needs another Debian package.
# postgresql: initdb/pg_ctl for tests/faults' private throw-away cluster (PostgreSQL restart test).
set -eu

PACKAGES="
chromium
fonts-noto-cjk
postgresql
"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-deps: missing:$missing; run this script as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (e.g. a parallel job) instead of failing on its lock.
apt="apt-get -o DPkg::Lock::Timeout=600"
# A fresh container has no package lists; installing first and updating only on failure
# saves the update when the lists are already there.
# shellcheck disable=SC2086
if ! $apt install -y $missing; then
    $apt update
    $apt install -y $missing
fi
