<#
.SYNOPSIS
    The built-in demo: a real sync against local fake Stripe and Intercom servers seeded with sample customers.
.DESCRIPTION
    Starts the fakes, connects, shows a few customer profiles, syncs every customer into the empty fake
    Intercom, changes a few customers in the fake Stripe, and syncs again to show that only those are written.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $FakesPath,
    [int] $Customers = 300,
    [int] $Changes = 5
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'FakeServers.psm1') -Force
Import-Module $ModulePath -Force

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Write-Step "Starting fake Stripe ($Customers customers) and fake Intercom (empty workspace) on 127.0.0.1"
$servers = Start-FakeServers -FakesPath $FakesPath -Arguments @('--customers', $Customers, '--intercom-latency-ms', '5')
try {
    Write-Host "Stripe:   $($servers.StripeUrl)"
    Write-Host "Intercom: $($servers.IntercomUrl)"

    Write-Step 'Connect-StripeIntercom'
    Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString $servers.StripeKey -AsPlainText -Force) `
        -IntercomAccessToken (ConvertTo-SecureString $servers.IntercomToken -AsPlainText -Force) `
        -StripeApiBase $servers.StripeUrl -IntercomApiBase $servers.IntercomUrl | Format-List | Out-Host

    Write-Step 'Get-StripeCustomerProfile -First 5'
    Get-StripeCustomerProfile -First 5 | Format-Table | Out-Host

    Write-Step 'Invoke-StripeIntercomSync (first run: every customer is created)'
    $first = Invoke-StripeIntercomSync
    $first | Format-List Mode, Customers, Created, Updated, Unchanged, Conflict, Failed, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host

    Write-Step "Changing $Changes customers in the fake Stripe"
    $changed = Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = $Changes; seed = 7 }
    Write-Host ("Changed: " + (@($changed.changed) -join ', '))

    Write-Step 'Invoke-StripeIntercomSync -PassThru (second run: only the changed customers are written)'
    $second = Invoke-StripeIntercomSync -PassThru
    $results = @($second | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
    $summary = $second | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
    $results | Where-Object Action -NE 'Unchanged' | Format-Table | Out-Host
    $summary | Format-List Mode, Customers, Created, Updated, Unchanged, Conflict, Failed, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host

    if ($first.Failed -or $second.Failed) { throw 'The demo sync reported failures.' }
    Write-Host "Demo done: $($first.Created) contacts created, then $($summary.Updated) updated and $($summary.Unchanged) left alone." -ForegroundColor Green
}
finally {
    $servers | Stop-FakeServers
}
