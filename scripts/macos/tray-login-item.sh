#!/bin/sh
# The tray's login item for every user, owned by the installer: `install` puts the LaunchAgent com.cordon.tray into
# /Library/LaunchAgents and starts it in each signed-in session; `remove` stops it there and deletes it, so an
# uninstall leaves no user with a login item. Run as root. Usage: tray-login-item.sh install|remove [--agents-dir DIR]
set -eu
ACTION=${1:-}
shift || true
AGENTS_DIR=/Library/LaunchAgents
while [ $# -gt 0 ]; do
  case "$1" in
    --agents-dir) AGENTS_DIR=$2; shift 2 ;;
    *) echo "$0: unknown option $1" >&2; exit 64 ;;
  esac
done
LABEL=com.cordon.tray
PLIST="$AGENTS_DIR/$LABEL.plist"

# The uid of each signed-in graphical session: loginwindow runs once per session, as its user.
gui_uids() {
  ps -axo uid=,comm= | awk '$2 ~ /\/loginwindow$/ && $1 != 0 { print $1 }' | sort -u
}

case "$ACTION" in
  install)
    mkdir -p "$AGENTS_DIR"
    cp "$(dirname "$0")/$LABEL.plist" "$PLIST.tmp"
    chmod 0644 "$PLIST.tmp"
    chown root:wheel "$PLIST.tmp" 2>/dev/null || true
    mv "$PLIST.tmp" "$PLIST"
    # An upgrade's tray was closed by the installer: take the old job out, then start the new one in each session.
    # A session that refuses gets the tray at its next login.
    for uid in $(gui_uids); do
      launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
      launchctl bootstrap "gui/$uid" "$PLIST" || echo "$0: the tray starts for uid $uid at the next login" >&2
    done
    ;;
  remove)
    for uid in $(gui_uids); do
      launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
    done
    rm -f "$PLIST"
    ;;
  *)
    echo "usage: $0 install|remove [--agents-dir DIR]" >&2
    exit 64
    ;;
esac
