// The tray starts at login from an entry its installer owns for every user (HKLM Run, /Library/LaunchAgents,
// /etc/xdg/autostart), which the uninstaller removes; a per-user login item, as older trays registered through Electron,
// would outlive an uninstall, so the tray takes its own away instead of adding one.
export interface LoginItemSettings {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

/** Removes this user's own login item of the tray (Windows' HKCU Run value, macOS's app login item) if there is one; says whether it did. */
export function dropPerUserLoginItem(app: LoginItemSettings, platform: NodeJS.Platform): boolean {
  // Electron keeps no login items on Linux: autostart there is only the package's /etc/xdg/autostart entry.
  if (platform !== 'win32' && platform !== 'darwin') return false;
  if (!app.getLoginItemSettings().openAtLogin) return false;
  app.setLoginItemSettings({ openAtLogin: false });
  return true;
}
