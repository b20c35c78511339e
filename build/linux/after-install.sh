#!/bin/bash
# deb/rpm after-install (an electron-builder template): links the app, installs the agent service with the app's own
# runtime, puts the `cordon` CLI on PATH and starts the tray at every login.
APP_DIR='/opt/${sanitizedProductName}'

ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi

cat > /usr/bin/cordon <<CLI
#!/bin/sh
ELECTRON_RUN_AS_NODE=1 exec "$APP_DIR/${executable}" "$APP_DIR/resources/app.asar.unpacked/dist/agent/cli/main.js" "\$@"
CLI
chmod 0755 /usr/bin/cordon

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    sh "$APP_DIR/resources/scripts/linux/install-service.sh" --node "$APP_DIR/${executable}" --agent "$APP_DIR/resources/app.asar.unpacked" \
        || echo "Cordon: the agent service could not be installed; run $APP_DIR/resources/scripts/linux/install-service.sh as root" >&2
else
    echo "Cordon: no systemd here; start the agent with: cordon run" >&2
fi

mkdir -p /etc/xdg/autostart
if [ -f '/usr/share/applications/${executable}.desktop' ]; then
    cp -f '/usr/share/applications/${executable}.desktop' /etc/xdg/autostart/cordon-tray.desktop
fi
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi
