# What the module tests share: where the laid-out module and the fakes are, and how to reach the fakes.
Import-Module (Join-Path $PSScriptRoot '../../tools/FakeServers.psm1') -Force

function Get-TestModulePath { $env:STRIPEINTERCOM_TEST_MODULE }
function Get-TestFakesPath { $env:STRIPEINTERCOM_TEST_FAKES }

function ConvertTo-TestSecureString {
    param([Parameter(Mandatory)] [string] $Value)
    ConvertTo-SecureString $Value -AsPlainText -Force
}

function Connect-TestFakes {
    param([Parameter(Mandatory)] $Servers)
    Connect-StripeIntercom -StripeApiKey (ConvertTo-TestSecureString $Servers.StripeKey) `
        -IntercomAccessToken (ConvertTo-TestSecureString $Servers.IntercomToken) `
        -StripeApiBase $Servers.StripeUrl -IntercomApiBase $Servers.IntercomUrl -WarningAction SilentlyContinue
}

Export-ModuleMember -Function Get-TestModulePath, Get-TestFakesPath, ConvertTo-TestSecureString, Connect-TestFakes, Start-FakeServers, Stop-FakeServers, Invoke-FakeControl

function Start-ModuleChildProcess {
    <# Runs a script in a fresh pwsh with the module imported and the fakes' settings in the environment. #>
    param(
        [Parameter(Mandatory)] $Servers,
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [string] $WorkingDirectory
    )
    $scriptPath = Join-Path $WorkingDirectory ("child-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    @(
        '$ErrorActionPreference = ''Stop'''
        "Import-Module '$(Get-TestModulePath)'"
        $Script
    ) | Set-Content $scriptPath
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in 'pwsh', '-NoProfile', '-NonInteractive', '-File', $scriptPath) { $start.ArgumentList.Add($argument) }
    $start.WorkingDirectory = $PSScriptRoot
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment['STRIPE_SECRET_KEY'] = $Servers.StripeKey
    $start.Environment['INTERCOM_ACCESS_TOKEN'] = $Servers.IntercomToken
    $start.Environment['STRIPE_API_BASE'] = $Servers.StripeUrl
    $start.Environment['INTERCOM_API_BASE'] = $Servers.IntercomUrl
    $process = [System.Diagnostics.Process]::Start($start)
    # Drain the output so the child never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $process
}

function New-StripeSignatureHeader {
    <# The Stripe-Signature header Stripe sends: t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">. #>
    param([Parameter(Mandatory)] [string] $Payload, [Parameter(Mandatory)] [string] $Secret, [long] $Timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds())
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($Secret))
    $hash = $hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes("$Timestamp.$Payload"))
    "t=$Timestamp,v1=" + [Convert]::ToHexString($hash).ToLowerInvariant()
}

function New-StripeEventPayload {
    param([Parameter(Mandatory)] [string] $CustomerId, [string] $Type = 'customer.updated', [string] $EventId = ('evt_' + [guid]::NewGuid().ToString('n')))
    @{
        id = $EventId; object = 'event'; api_version = '2026-10-28.endive'; created = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        type = $Type; livemode = $false; pending_webhooks = 1; request = @{ id = $null; idempotency_key = $null }
        data = @{ object = @{ id = $CustomerId; object = 'customer' } }
    } | ConvertTo-Json -Depth 5 -Compress
}

Export-ModuleMember -Function Start-ModuleChildProcess, New-StripeSignatureHeader, New-StripeEventPayload
