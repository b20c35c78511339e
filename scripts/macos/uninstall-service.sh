#!/bin/sh
# Stops and removes the Cordon LaunchDaemon, the start hooks it installed and the tray's login item (the LaunchAgent
# beside the daemon's folder, /Library/LaunchAgents); keeps the config, the state and the quarantine. Run as root.
set -eu
DEFAULT_CONFIG="/Library/Application Support/Cordon/agent.json"
DEFAULT_DEST_DIR=/Library/LaunchDaemons
. "$(dirname "$0")/../service-common.sh"
UNINSTALLING=1
parse_service_args "$@"
launchctl bootout system/com.cordon.agent 2>/dev/null || true
remove_start_hooks
rm -f "$DEST_DIR/com.cordon.agent.plist"
sh "$(dirname "$0")/tray-login-item.sh" remove --agents-dir "$(dirname "$DEST_DIR")/LaunchAgents"
echo "com.cordon.agent removed; /Library/Application Support/Cordon (config, state, quarantine) is kept"
