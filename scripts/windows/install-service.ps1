<#
.SYNOPSIS
  Installs the Cordon agent as a Windows service that starts at boot and is restarted whenever it dies. Run as Administrator.
.PARAMETER Node
  Node.js 20+ (node.exe), or the Cordon app's own Cordon.exe, which runs the agent with ELECTRON_RUN_AS_NODE=1.
.PARAMETER Agent
  Folder holding dist\agent\cli\main.js, policies\ and node_modules\ (default: this checkout, or the installed app's resources\app.asar.unpacked).
.PARAMETER Config
  Agent config file; created as {} (built-in defaults) when missing.
.PARAMETER AllowUnsignedHost
  Accept the package's prebuilt service host even when its signature is not valid (unsigned test builds only).
#>
[CmdletBinding()]
param(
  [string]$Node = $(if (Get-Command node -ErrorAction SilentlyContinue) { (Get-Command node).Source } else { '' }),
  [string]$Agent = $(if (Test-Path (Join-Path $PSScriptRoot '..\..\dist\agent\cli\main.js')) { (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path } else { (Resolve-Path (Join-Path $PSScriptRoot '..\..\app.asar.unpacked')).Path }),
  [string]$Config = (Join-Path $env:ProgramData 'Cordon\agent.json'),
  [string]$ServiceName = 'Cordon',
  # Accept a prebuilt service host without a valid Authenticode signature (a test build).
  [switch]$AllowUnsignedHost
)
$ErrorActionPreference = 'Stop'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { throw 'Run this script as Administrator.' }
if (-not $Node -or -not (Test-Path $Node)) { throw 'No Node.js binary: pass -Node C:\path\node.exe (or the Cordon app''s Cordon.exe).' }
$main = Join-Path $Agent 'dist\agent\cli\main.js'
if (-not (Test-Path $main)) { throw "No agent at ${main}: run npm run build, or pass -Agent DIR." }

# A native program's failure does not stop PowerShell: each one's exit code is checked here.
function Invoke-Checked([string]$What, [scriptblock]$Run) {
  # Windows PowerShell turns a redirected stderr line into a terminating error under 'Stop': the exit code decides here.
  $ErrorActionPreference = 'Continue'
  $out = & $Run 2>&1
  if ($LASTEXITCODE -ne 0) { throw "${What} failed (exit code ${LASTEXITCODE}): $out" }
}

# The Cordon folder holds the config (which keys to trust), the journal recovery acts on as SYSTEM and the service
# host: by default any user may create folders in ProgramData, so one made before this install is not taken over.
# Accounts are named by SID (S-1-5-18 SYSTEM, S-1-5-32-544 Administrators, S-1-5-32-545 Users): names are localized.
$root = Join-Path $env:ProgramData 'Cordon'
$trusted = @('S-1-5-18', 'S-1-5-32-544')
if (Test-Path -LiteralPath $root) {
  $item = Get-Item -LiteralPath $root -Force
  if ($item.Attributes -band [IO.FileAttributes]::ReparsePoint) { throw "Refusing: $root is a link or junction. Remove it and run this script again." }
  $owner = (Get-Acl -LiteralPath $root).GetOwner([Security.Principal.SecurityIdentifier]).Value
  if ($trusted -notcontains $owner) {
    throw "Refusing: $root already exists and is owned by $owner, not SYSTEM or Administrators; another account could have planted files in it. Check its contents, remove it, and run this script again."
  }
}
New-Item -ItemType Directory -Force -Path (Join-Path $root 'policies') | Out-Null
# Inheritance removed: SYSTEM and Administrators own everything below; Users may read the folder itself and the config.
Invoke-Checked 'icacls (owner)' { icacls $root /setowner '*S-1-5-32-544' /T /C /Q }
Invoke-Checked 'icacls (access)' { icacls $root /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-32-545:RX' /Q }
Invoke-Checked 'icacls (contents)' { icacls (Join-Path $root '*') /reset /T /C /Q }
# The hello proof folder (agent/daemon/ipcServer.ts): Users may add a file (WD) and pass through (X), but not list the
# folder or read another user's file; a file's creator has full control of it (CREATOR OWNER, inherited by files only).
$proof = Join-Path $root 'proof'
New-Item -ItemType Directory -Force -Path $proof | Out-Null
Invoke-Checked 'icacls (proof)' { icacls $proof /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-32-545:(WD,X)' '*S-1-3-0:(OI)(IO)F' /Q }

if (-not (Test-Path $Config)) {
  New-Item -ItemType Directory -Force -Path (Join-Path (Split-Path $Config) 'policies') | Out-Null
  Set-Content -Path $Config -Value '{}' -Encoding ascii
}
if ((Split-Path $Config) -eq $root) { Invoke-Checked 'icacls (config)' { icacls $Config /grant '*S-1-5-32-545:R' /Q } }

# The service host: a package carries it prebuilt and signed (resources\service, under Program Files, which only
# administrators can change); from a checkout it is compiled here. No third-party service wrapper is shipped or trusted.
$prebuilt = Join-Path $PSScriptRoot '..\..\service\CordonService.exe'
$hostExe = $null
if (Test-Path -LiteralPath $prebuilt) {
  $signature = Get-AuthenticodeSignature -LiteralPath $prebuilt
  if ($signature.Status -ne 'Valid' -and -not $AllowUnsignedHost) {
    throw "Refusing the service host ${prebuilt}: its signature is $($signature.Status). Sign the package, or pass -AllowUnsignedHost for a test build."
  }
  $hostExe = (Resolve-Path -LiteralPath $prebuilt).Path
}
$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($existing) {
  if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
  Invoke-Checked 'sc.exe delete' { sc.exe delete $ServiceName }
  Start-Sleep -Seconds 1
}
if (-not $hostExe) {
  $hostDir = Join-Path $root 'service'
  New-Item -ItemType Directory -Force -Path $hostDir | Out-Null
  $hostExe = Join-Path $hostDir 'CordonService.exe'
  Add-Type -TypeDefinition (Get-Content -Raw (Join-Path $PSScriptRoot 'CordonService.cs')) `
    -ReferencedAssemblies 'System.ServiceProcess', 'System.Core' -OutputAssembly $hostExe -OutputType ConsoleApplication
}

$binaryPath = '"{0}" "{1}" --max-semi-space-size=1 --single-threaded-gc --lite-mode "{2}" run --config "{3}"' -f $hostExe, $Node, $main, $Config
New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName 'Cordon endpoint policy agent' `
  -Description 'Detects banned AI tools and enforces the signed policies of your organisation.' -StartupType Automatic | Out-Null
# Restart 2 s, 5 s, then every 10 s after each failure; the failure count resets after a day without one.
Invoke-Checked 'sc.exe failure' { sc.exe failure $ServiceName reset= 86400 actions= restart/2000/restart/5000/restart/10000 }
Invoke-Checked 'sc.exe failureflag' { sc.exe failureflag $ServiceName 1 }
Start-Service -Name $ServiceName
if ((Get-Service -Name $ServiceName).Status -ne 'Running') { throw "Service $ServiceName did not start: see the Application event log." }
Write-Output "Service $ServiceName installed and started (config: $Config)."
