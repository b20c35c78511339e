#!/bin/bash
# Intune custom compliance discovery script (Linux): prints one line of compressed JSON whose keys are the
# SettingNames of cordon-rules.json. Runs in the user's context: cordon reads the agent's socket when cordon.db is root's.
# Finds the cordon command: $CORDON_BIN, then PATH, then the agent bundled in the app (run by its own executable as Node).
cordon() {
  if [ -n "${CORDON_BIN:-}" ]; then "$CORDON_BIN" "$@"; return; fi
  if command -v cordon >/dev/null 2>&1; then command cordon "$@"; return; fi
  app=/Applications/Cordon.app/Contents
  if [ -x "$app/MacOS/Cordon" ]; then
    ELECTRON_RUN_AS_NODE=1 "$app/MacOS/Cordon" "$app/Resources/app.asar.unpacked/dist/agent/cli/main.js" "$@"
    return
  fi
  return 127
}

cordon fleet-facts --format intune 2>/dev/null ||
  echo '{"CordonAgentReporting":false,"CordonCompliance":"unknown","CordonViolations":0,"CordonOpenFindings":0,"CordonDaysToDeadline":-1,"CordonLastCheck":"","CordonPolicies":""}'
