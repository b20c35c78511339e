<#
.SYNOPSIS
  Stops and removes the Cordon agent's Windows service; keeps the config, the state and the quarantine. Run as Administrator.
#>
[CmdletBinding()]
param([string]$ServiceName = 'Cordon')
$ErrorActionPreference = 'Stop'
$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($service) {
  if ($service.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
  $out = sc.exe delete $ServiceName 2>&1
  if ($LASTEXITCODE -ne 0) { throw "sc.exe delete failed (exit code ${LASTEXITCODE}): $out" }
}
Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $env:ProgramData 'Cordon\service\CordonService.exe')
Write-Output "Service $ServiceName removed; $env:ProgramData\Cordon (config, state, quarantine) is kept."
