<#
.SYNOPSIS
    The built-in demo: a real sync against local fake Stripe and Intercom servers seeded with sample customers.
.DESCRIPTION
    Starts the fakes, connects, shows a few customer profiles, syncs every customer into the empty fake
    Intercom, changes a few customers in the fake Stripe, and runs the incremental sync to show that only
    those are read and written. Then the B2B part (Show-CompanyDemo.ps1): the app's existing companies and their
    users, synced with -SyncCompany.
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

    $state = Join-Path ([System.IO.Path]::GetTempPath()) ("stripe-intercom-demo-{0}.json" -f [guid]::NewGuid().ToString('n'))
    Write-Step "Invoke-StripeIntercomSync -Incremental -StatePath $state (first run: a full sync creates every contact)"
    $first = Invoke-StripeIntercomSync -Incremental -StatePath $state
    $first | Format-List Mode, Note, Customers, Created, Updated, Unchanged, Conflict, Failed, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host

    Write-Step "Changing $Changes customers in the fake Stripe (name, email or balance)"
    $targets = @(Get-StripeCustomerProfile -First 40 | Get-Random -Count $Changes -SetSeed 7)
    for ($i = 0; $i -lt $targets.Count; $i++) {
        $customer = $targets[$i]
        $change = switch ($i % 3) {
            0 { @{ name = "$($customer.Name) (renamed)" } }
            1 { @{ email = "new.$($customer.Id.ToLowerInvariant())@example.com" } }
            2 { @{ balance = 4200 } }
        }
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($customer.Id)/change" $change | Out-Null
        Write-Host "  $($customer.Id): $(($change.GetEnumerator() | ForEach-Object { "$($_.Key) -> $($_.Value)" }) -join ', ')"
    }

    Write-Step 'Invoke-StripeIntercomSync -Incremental -PassThru (second run: Stripe events name the changed customers; only they are read and written)'
    $second = Invoke-StripeIntercomSync -Incremental -StatePath $state -PassThru
    $results = @($second | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
    $summary = $second | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
    $results | Where-Object Action -NE 'Unchanged' | Format-Table | Out-Host
    $summary | Format-List Mode, Customers, Created, Updated, Unchanged, Conflict, Failed, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host

    if ($first.Failed -or $summary.Failed) { throw 'The demo sync reported failures.' }
    Write-Host ("Demo done: {0} contacts created; then {1} changed customers cost {2} Stripe calls and {3} Intercom writes." -f `
        $first.Created, $summary.Customers, $summary.StripeCalls, $summary.IntercomWrites) -ForegroundColor Green

    # B2B workspaces: the app's companies and users, and the billing context on both (-SyncCompany).
    & (Join-Path $PSScriptRoot 'Show-CompanyDemo.ps1') -Servers $servers
}
finally {
    $servers | Stop-FakeServers
    if ($state) { Remove-Item $state, "$state.lock" -ErrorAction SilentlyContinue }
}
