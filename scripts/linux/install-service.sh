#!/bin/sh
# Installs the Cordon agent as a systemd service (restarted whenever it dies) and starts it. Run as root.
set -eu
DEFAULT_CONFIG=/etc/cordon/agent.json
DEFAULT_DEST_DIR=/etc/systemd/system
. "$(dirname "$0")/../service-common.sh"
parse_service_args "$@"
TEMPLATE="$(dirname "$0")/cordon.service.in"

if [ "$PRINT_ONLY" = 1 ]; then
  render_template "$TEMPLATE"
  exit 0
fi
command -v systemctl >/dev/null || fail "systemctl not found: this installer is for systemd-based Linux" 69
ensure_config
mkdir -p "$DEST_DIR"
render_template "$TEMPLATE" > "$DEST_DIR/cordon.service.tmp"
chmod 0644 "$DEST_DIR/cordon.service.tmp"
mv "$DEST_DIR/cordon.service.tmp" "$DEST_DIR/cordon.service"
systemctl daemon-reload
if [ "$START" = 1 ]; then
  systemctl enable --now cordon.service
  systemctl restart cordon.service
else
  systemctl enable cordon.service
fi
echo "cordon.service installed in $DEST_DIR (config: $CONFIG)"
