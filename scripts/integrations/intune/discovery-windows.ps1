# Intune custom compliance discovery script (Windows, runs as SYSTEM): returns one line of compressed JSON whose keys
# are the SettingNames of cordon-rules.json. Upload under Endpoint security > Device compliance > Scripts.
$ErrorActionPreference = 'Stop'
$unknown = [ordered]@{
  CordonAgentReporting = $false; CordonCompliance = 'unknown'; CordonViolations = 0; CordonOpenFindings = 0
  CordonDaysToDeadline = -1; CordonLastCheck = ''; CordonPolicies = ''
}
# The agent bundled in the app runs with the app's own executable as Node; CORDON_BIN names another cordon.
$app = Join-Path $env:ProgramFiles 'Cordon'
$exe = Join-Path $app 'Cordon.exe'
$agent = Join-Path $app 'resources\app.asar.unpacked\dist\agent\cli\main.js'
try {
  if ($env:CORDON_BIN) {
    $out = & $env:CORDON_BIN fleet-facts --format intune
  } elseif ((Test-Path $exe) -and (Test-Path $agent)) {
    $env:ELECTRON_RUN_AS_NODE = '1'
    $out = & $exe $agent fleet-facts --format intune
  } else {
    return $unknown | ConvertTo-Json -Compress
  }
  # Parsed and written again so that Intune always gets one line of JSON, whatever the console encoding did.
  $facts = ($out | Out-String) | ConvertFrom-Json
  return $facts | ConvertTo-Json -Compress
} catch {
  return $unknown | ConvertTo-Json -Compress
}
