; NSIS hooks (electron-builder `nsis.include`): install the agent service with the app's own runtime, start the tray
; at every login for every user, and undo both on uninstall. Config, state and quarantine in ProgramData stay.
!macro customInstall
  nsExec::ExecToLog 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "$INSTDIR\resources\scripts\windows\install-service.ps1" -Node "$INSTDIR\${APP_EXECUTABLE_FILENAME}" -Agent "$INSTDIR\resources\app.asar.unpacked"'
  ; The service script's exit code decides: a service that was not installed (AppLocker or WDAC blocking Add-Type, a
  ; Cordon folder someone else owns) fails the installation instead of reporting success without an agent.
  Pop $0
  StrCmp $0 "0" cordon_service_installed
    SetErrorLevel 2
    MessageBox MB_ICONSTOP "The Cordon agent service could not be installed (install-service.ps1 exit code $0). See the installer log." /SD IDOK
    Abort "install-service.ps1 failed with exit code $0"
  cordon_service_installed:
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "Cordon" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  nsExec::ExecToLog 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "$INSTDIR\resources\scripts\windows\uninstall-service.ps1"'
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "Cordon"
!macroend
