#!/bin/bash
# deb/rpm after-remove (an electron-builder template): on removal (not upgrade) stops and removes the agent service,
# the CLI link and the tray autostart; config, state and quarantine stay for the admin.
case "${1:-}" in
    upgrade|1|2) exit 0 ;;
esac
if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now cordon.service 2>/dev/null || true
    rm -f /etc/systemd/system/cordon.service
    systemctl daemon-reload 2>/dev/null || true
fi
rm -f '/usr/bin/${executable}' /usr/bin/cordon /etc/xdg/autostart/cordon-tray.desktop
