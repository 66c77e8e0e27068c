<#
.SYNOPSIS
    The built-in demo: a real sync against local fake Stripe and Intercom servers seeded with sample customers.
.DESCRIPTION
    Starts the fakes with a workspace the app already fills (its users carry the app's own ids, some leads
    share paying customers' emails, a team inbox is two users with one email, some people came back as
    second Stripe customers), connects, shows a few customer profiles, syncs every customer, shows the
    billing context landing on the app's own users, the billing shapes Stripe's MRR rules cover (tiered seats,
    forever and finite coupons, metered usage, a churned customer, a legacy card), changes a few customers in the fake Stripe, and runs the
    incremental sync to show that only those are read and written. Then the B2B part (Show-CompanyDemo.ps1): the
    app's existing companies and their users, synced with -SyncCompany.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $FakesPath,
    [int] $Customers = 300,
    [int] $Changes = 5,
    [int] $AppUsers = 120
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'FakeServers.psm1') -Force
Import-Module $ModulePath -Force

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Write-Step "Starting fake Stripe ($Customers customers) and fake Intercom ($AppUsers of them already the app's users) on 127.0.0.1"
$servers = Start-FakeServers -FakesPath $FakesPath -Arguments @('--customers', $Customers, '--billing-shapes', '--intercom-latency-ms', '5', '--app-workspace', $AppUsers)
try {
    $workspace = $servers.AppWorkspace
    Write-Host "Stripe:   $($servers.StripeUrl)"
    Write-Host "Intercom: $($servers.IntercomUrl)"
    Write-Host ("The app's Messenger already identifies {0} users by its own ids (app_00001...); {1} of their Stripe customers carry that id in metadata['{2}']." -f `
        $workspace.AppUsers, $workspace.WithMetadata, $workspace.MetadataKey)
    Write-Host ("{0} visitors left leads under paying customers' emails; {1} is a team inbox of two users; {2} came back as new Stripe customers." -f `
        $workspace.Leads, $workspace.SharedEmail, ($workspace.ReturningEmails -join ', '))

    Write-Step 'Connect-StripeIntercom'
    Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString $servers.StripeKey -AsPlainText -Force) `
        -IntercomAccessToken (ConvertTo-SecureString $servers.IntercomToken -AsPlainText -Force) `
        -StripeApiBase $servers.StripeUrl -IntercomApiBase $servers.IntercomUrl | Format-List | Out-Host

    Write-Step 'Get-StripeCustomerProfile -First 5'
    Get-StripeCustomerProfile -First 5 | Format-Table | Out-Host

    $state = Join-Path ([System.IO.Path]::GetTempPath()) ("stripe-intercom-demo-{0}.json" -f [guid]::NewGuid().ToString('n'))
    Write-Step "Invoke-StripeIntercomSync -Incremental -StatePath $state (first run: a full sync creates every contact)"
    $before = @{}
    foreach ($contact in (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data) { if ($contact.external_id) { $before[$contact.external_id] = $contact } }
    $firstRun = Invoke-StripeIntercomSync -Incremental -StatePath $state -ExternalIdMetadataKey $workspace.MetadataKey -PassThru -WarningAction SilentlyContinue
    $first = $firstRun | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
    $first | Format-List Mode, Note, Customers, Created, Updated, Unchanged, Skipped, Conflict, Failed, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host
    Write-Host 'How each customer''s contact was found (MatchedBy):'
    $firstRun | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] } | Group-Object MatchedBy -NoElement | Sort-Object Name | Format-Table Count, Name | Out-Host

    $shown = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data |
        Where-Object { $_.external_id -like 'app_0*' -and $_.custom_attributes.stripe_subscription_status -eq 'active' } | Select-Object -First 2
    Write-Step "Two of the app's own users before and after: their ids, emails and names untouched, the billing context added"
    $rows = foreach ($after in $shown) {
        $old = $before[$after.external_id]
        [pscustomobject]@{ When = 'before'; ExternalId = $old.external_id; Email = $old.email; Name = $old.name; Status = $old.custom_attributes.stripe_subscription_status; Plan = $old.custom_attributes.stripe_plan_name; Mrr = $old.custom_attributes.stripe_mrr; Customer = $old.custom_attributes.stripe_customer_id }
        [pscustomobject]@{ When = 'after'; ExternalId = $after.external_id; Email = $after.email; Name = $after.name; Status = $after.custom_attributes.stripe_subscription_status; Plan = $after.custom_attributes.stripe_plan_name; Mrr = $after.custom_attributes.stripe_mrr; Customer = $after.custom_attributes.stripe_customer_id }
    }
    $rows | Format-Table When, ExternalId, Email, Name, Status, Mrr, Customer -AutoSize | Out-Host
    Write-Step 'Billing as Stripe counts it: tiered seats, forever and finite coupons, metered usage, churn, legacy cards'
    $showcase = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data | Where-Object { $_.email -like '*@billing.example.com' } | Sort-Object email
    $showcase | ForEach-Object {
        $a = $_.custom_attributes
        [pscustomobject]@{
            Customer = $_.email -replace '@billing.example.com$', ''; Status = $a.stripe_subscription_status; Plan = $a.stripe_plan_name
            Amount = $a.stripe_plan_amount; Mrr = $a.stripe_mrr; Discount = $a.stripe_discount
        }
    } | Format-Table -AutoSize -Wrap | Out-Host
    $churned = $showcase | Where-Object { $_.custom_attributes.stripe_subscription_status -eq 'canceled' } | Select-Object -First 1
    $legacy = $showcase | Where-Object { $_.email -like 'card-source@*' }
    Write-Host ("churned: its last subscription ended {0} (stripe_canceled_at); card-source pays with a legacy card: {1} {2}." -f `
        [DateTimeOffset]::FromUnixTimeSeconds($churned.custom_attributes.stripe_canceled_at).ToString('yyyy-MM-dd'),
        $legacy.custom_attributes.stripe_card_brand, $legacy.custom_attributes.stripe_card_expiry)
    Write-Host 'volume-seats: 12 x 8.00; graduated-seats: 5 x 12.00 + 20.00 + 3 x 9.00; quarter-yearly: 1,200.00 x 75% / 12; welcome-repeating keeps 99.00 (finite coupons leave MRR alone). README: How a profile is computed.'

    $returning = $workspace.ReturningEmails[0]
    $shared = @((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data | Where-Object { $_.email -eq $returning })
    Write-Host ("{0} is {1} Stripe customers and {2} Intercom contact: it carries {3}, the one that ranks best, and lists {4}." -f `
        $returning, (1 + @($shared.custom_attributes.stripe_other_customer_ids -split ',').Count), $shared.Count, $shared.custom_attributes.stripe_customer_id, $shared.custom_attributes.stripe_other_customer_ids)

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

    $billed = @(Get-StripeCustomerProfile | Where-Object SubscriptionStatus -EQ 'active' | Select-Object -First 2)
    Invoke-FakeControl $servers.StripeUrl POST "customers/$($billed[0].Id)/change" @{ subscription_status = 'past_due' } | Out-Null
    Write-Host "  $($billed[0].Id): its card is declined (subscription past_due, invoice.payment_failed)"
    Invoke-FakeControl $servers.StripeUrl POST "customers/$($billed[1].Id)/refund" @{ amount = 1500 } | Out-Null
    Write-Host "  $($billed[1].Id): 15.00 refunded (charge.refunded)"

    Write-Step 'Invoke-StripeIntercomSync -Incremental -SyncEvents -PassThru (second run: Stripe events name the changed customers; only they are read and written, and the billing moments go on their timelines)'
    $second = Invoke-StripeIntercomSync -Incremental -StatePath $state -ExternalIdMetadataKey $workspace.MetadataKey -SyncEvents -PassThru
    $results = @($second | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
    $summary = $second | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
    $results | Where-Object Action -NE 'Unchanged' | Format-Table | Out-Host
    $second | Where-Object { $_ -is [StripeIntercom.Events.BillingEventResult] } | Format-Table | Out-Host
    $summary | Format-List Mode, Customers, Created, Updated, Unchanged, Conflict, Failed, EventsSent, StripeCalls, IntercomCalls, IntercomWrites, Duration | Out-Host
    Write-Step "Get-IntercomContact -CustomerId $($billed[0].Id) -Events (what an agent sees on the timeline)"
    Get-IntercomContact -CustomerId $billed[0].Id -ExternalIdMetadataKey $workspace.MetadataKey -Events | Format-Table -Wrap | Out-Host

    if ($first.Failed -or $summary.Failed -or $summary.EventsFailed) { throw 'The demo sync reported failures.' }
    Write-Host ("Demo done: {0} contacts created; then {1} changed customers cost {2} Stripe calls and {3} Intercom writes." -f `
        $first.Created, $summary.Customers, $summary.StripeCalls, $summary.IntercomWrites) -ForegroundColor Green

    # B2B workspaces: the app's companies and users, and the billing context on both (-SyncCompany).
    & (Join-Path $PSScriptRoot 'Show-CompanyDemo.ps1') -Servers $servers
}
finally {
    $servers | Stop-FakeServers
    if ($state) { Remove-Item $state, "$state.lock" -ErrorAction SilentlyContinue }
}
