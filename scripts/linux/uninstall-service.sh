#!/bin/sh
# Stops and removes the Cordon agent's systemd service; keeps the config, the state and the quarantine. Run as root.
set -eu
DEST_DIR=/etc/systemd/system
[ "${1:-}" = "--dest-dir" ] && DEST_DIR=$2
systemctl disable --now cordon.service 2>/dev/null || true
rm -f "$DEST_DIR/cordon.service"
systemctl daemon-reload
echo "cordon.service removed; /etc/cordon and /var/lib/cordon (state, quarantine) are kept"
