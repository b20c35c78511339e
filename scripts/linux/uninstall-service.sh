#!/bin/sh
# Stops and removes the Cordon agent's systemd service and the start hooks it installed; keeps the config, the state
# and the quarantine. Run as root.
set -eu
DEFAULT_CONFIG=/etc/cordon/agent.json
DEFAULT_DEST_DIR=/etc/systemd/system
. "$(dirname "$0")/../service-common.sh"
UNINSTALLING=1
parse_service_args "$@"
systemctl disable --now cordon.service 2>/dev/null || true
remove_start_hooks
rm -f "$DEST_DIR/cordon.service"
systemctl daemon-reload
echo "cordon.service removed; $(dirname "$CONFIG") and the state folder (status, audit log, quarantine) are kept"
