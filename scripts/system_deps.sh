#!/usr/bin/env bash
# System packages the test suite drives for real: Debian's Chromium (browser tests), gettext
# (German messages), docker-compose (compose validation without an engine) and OpenStack Swift
# (an S3-compatible server on loopback), poppler and zbar (the return slip's PDF is rendered
# and its barcode and QR code scanned). Installs what is missing when run as root; otherwise
# says what to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v swift-proxy-server >/dev/null 2>&1 \
  || missing+=(swift-proxy swift-account swift-container swift-object)

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} for the test suite." >&2
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
