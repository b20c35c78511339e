#!/bin/sh
# Stops and removes the Cordon LaunchDaemon; keeps the config, the state and the quarantine. Run as root.
set -eu
DEST_DIR=/Library/LaunchDaemons
[ "${1:-}" = "--dest-dir" ] && DEST_DIR=$2
launchctl bootout system/com.cordon.agent 2>/dev/null || true
rm -f "$DEST_DIR/com.cordon.agent.plist"
echo "com.cordon.agent removed; /Library/Application Support/Cordon (config, state, quarantine) is kept"
