<#
.SYNOPSIS
  Installs the Cordon agent as a Windows service that starts at boot and is restarted whenever it dies. Run as Administrator.
.PARAMETER Node
  Node.js 20+ (node.exe), or the Cordon app's own Cordon.exe, which runs the agent with ELECTRON_RUN_AS_NODE=1.
.PARAMETER Agent
  Folder holding dist\agent\cli\main.js, policies\ and node_modules\ (default: this checkout, or the installed app's resources\app.asar.unpacked).
.PARAMETER Config
  Agent config file; created as {} (built-in defaults) when missing.
#>
[CmdletBinding()]
param(
  [string]$Node = $(if (Get-Command node -ErrorAction SilentlyContinue) { (Get-Command node).Source } else { '' }),
  [string]$Agent = $(if (Test-Path (Join-Path $PSScriptRoot '..\..\dist\agent\cli\main.js')) { (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path } else { (Resolve-Path (Join-Path $PSScriptRoot '..\..\app.asar.unpacked')).Path }),
  [string]$Config = (Join-Path $env:ProgramData 'Cordon\agent.json'),
  [string]$ServiceName = 'Cordon'
)
$ErrorActionPreference = 'Stop'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { throw 'Run this script as Administrator.' }
if (-not $Node -or -not (Test-Path $Node)) { throw 'No Node.js binary: pass -Node C:\path\node.exe (or the Cordon app''s Cordon.exe).' }
$main = Join-Path $Agent 'dist\agent\cli\main.js'
if (-not (Test-Path $main)) { throw "No agent at ${main}: run npm run build, or pass -Agent DIR." }

if (-not (Test-Path $Config)) {
  New-Item -ItemType Directory -Force -Path (Join-Path (Split-Path $Config) 'policies') | Out-Null
  Set-Content -Path $Config -Value '{}' -Encoding ascii
}

# The service host is compiled from source here, so no third-party service wrapper has to be shipped or trusted.
$hostDir = Join-Path $env:ProgramData 'Cordon\service'
New-Item -ItemType Directory -Force -Path $hostDir | Out-Null
$hostExe = Join-Path $hostDir 'CordonService.exe'
$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($existing) {
  if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
  sc.exe delete $ServiceName | Out-Null
  Start-Sleep -Seconds 1
}
Add-Type -TypeDefinition (Get-Content -Raw (Join-Path $PSScriptRoot 'CordonService.cs')) `
  -ReferencedAssemblies 'System.ServiceProcess' -OutputAssembly $hostExe -OutputType ConsoleApplication

$binaryPath = '"{0}" "{1}" --max-semi-space-size=1 --single-threaded-gc "{2}" run --config "{3}"' -f $hostExe, $Node, $main, $Config
New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName 'Cordon endpoint policy agent' `
  -Description 'Detects banned AI tools and enforces the signed policies of your organisation.' -StartupType Automatic | Out-Null
# Restart 2 s, 5 s, then every 10 s after each failure; the failure count resets after a day without one.
sc.exe failure $ServiceName reset= 86400 actions= restart/2000/restart/5000/restart/10000 | Out-Null
sc.exe failureflag $ServiceName 1 | Out-Null
Start-Service -Name $ServiceName
Write-Output "Service $ServiceName installed and started (config: $Config)."
