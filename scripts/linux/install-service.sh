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
command -v systemctl >/dev/null || fail "systemctl not found: this installer is for systemd-based Linux; without systemd, run the agent under your init system: $NODE $AGENT_MAIN run --config $CONFIG (as root, restarted when it exits)" 69
# systemctl can be installed where systemd is not the init system (a container, WSL without systemd): it then answers
# "offline" and every later step would fail with its raw error. Checked before anything is written.
SYSTEMD_STATE=$(systemctl is-system-running 2>/dev/null || true)
case "$SYSTEMD_STATE" in
  running | degraded | starting | initializing | maintenance) ;;
  *)
    cat >&2 <<NOSYSTEMD
$0: systemd is not running on this machine (systemctl is-system-running: ${SYSTEMD_STATE:-no answer}), so no service was installed and nothing was changed.
  - On WSL: add "[boot] systemd=true" to /etc/wsl.conf, run "wsl --shutdown" in Windows, then run this again.
  - In a container, or under another init system: run the agent in the foreground as root and let your supervisor restart it:
      $NODE $AGENT_MAIN run --config $CONFIG
NOSYSTEMD
    exit 69
    ;;
esac
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
