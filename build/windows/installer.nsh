; NSIS hooks (electron-builder `nsis.include`): install the agent service with the app's own runtime, start the tray
; at every login for every user, and undo both on uninstall. Config, state and quarantine in ProgramData stay.
!macro customInstall
  nsExec::ExecToLog 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "$INSTDIR\resources\scripts\windows\install-service.ps1" -Node "$INSTDIR\${APP_EXECUTABLE_FILENAME}" -Agent "$INSTDIR\resources\app.asar.unpacked"'
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "Cordon" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  nsExec::ExecToLog 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "$INSTDIR\resources\scripts\windows\uninstall-service.ps1"'
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "Cordon"
!macroend
