#!/bin/sh
# Installs the Cordon agent as a launchd LaunchDaemon (kept alive, started at boot) and starts it. Run as root.
set -eu
DEFAULT_CONFIG="/Library/Application Support/Cordon/agent.json"
DEFAULT_DEST_DIR=/Library/LaunchDaemons
. "$(dirname "$0")/../service-common.sh"
parse_service_args "$@"
TEMPLATE="$(dirname "$0")/com.cordon.agent.plist.in"
PLIST="$DEST_DIR/com.cordon.agent.plist"

if [ "$PRINT_ONLY" = 1 ]; then
  render_template "$TEMPLATE" xml
  exit 0
fi
command -v launchctl >/dev/null || fail "launchctl not found: this installer is for macOS" 69
ensure_config
mkdir -p "$DEST_DIR" /Library/Logs/Cordon 2>/dev/null || mkdir -p "$DEST_DIR"
render_template "$TEMPLATE" xml > "$PLIST.tmp"
chmod 0644 "$PLIST.tmp"
chown root:wheel "$PLIST.tmp" 2>/dev/null || true
mv "$PLIST.tmp" "$PLIST"
launchctl bootout system/com.cordon.agent 2>/dev/null || true
if [ "$START" = 1 ]; then
  launchctl bootstrap system "$PLIST"
  launchctl enable system/com.cordon.agent
  launchctl kickstart -k system/com.cordon.agent
fi
echo "com.cordon.agent installed at $PLIST (config: $CONFIG)"
