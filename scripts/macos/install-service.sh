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
LABEL=system/com.cordon.agent
# An upgrade first takes the running daemon out and waits until launchd has let go of it: a bootstrap while the old
# instance is still being torn down fails with "Input/output error".
if launchctl print "$LABEL" >/dev/null 2>&1; then
  launchctl bootout "$LABEL" || true
  waited=0
  while launchctl print "$LABEL" >/dev/null 2>&1; do
    [ "$waited" -lt 100 ] || fail "launchd still holds $LABEL 20 s after bootout; run this installer again"
    waited=$((waited + 1))
    sleep 0.2
  done
fi
if [ "$START" = 1 ]; then
  # Enabled before it is bootstrapped: launchd refuses to load a label marked disabled (an admin's or an earlier bootout's).
  launchctl enable "$LABEL" || fail "launchctl enable $LABEL failed (exit $?)"
  launchctl bootstrap system "$PLIST" || fail "launchctl bootstrap failed (exit $?): see 'launchctl print $LABEL' and /Library/Logs/Cordon"
  launchctl kickstart -k "$LABEL" || fail "launchctl kickstart failed (exit $?)"
fi
echo "com.cordon.agent installed at $PLIST (config: $CONFIG)"
