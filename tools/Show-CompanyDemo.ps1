<#
.SYNOPSIS
    The demo's B2B part: the app's existing companies and their users, then a sync with -SyncCompany that puts the
    billing context on both.
.DESCRIPTION
    Called by Start-Demo.ps1 once the contacts are synced, with the module imported and connected to the fakes.
    Seeds, for a few Stripe customers whose metadata holds the app's account_id, the company the app's Messenger
    made (company_id = account_id) with one of the app's own users; runs Invoke-StripeIntercomSync -SyncCompany
    -CompanyIdMetadataKey account_id; shows those companies (updated in place: same name, same users, plus the
    billing contact, plan, monthly_spend and stripe_* attributes) and their users; and re-runs to show that an
    unchanged workspace costs no write.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] $Servers,
    [int] $AppCompanies = 3
)

$ErrorActionPreference = 'Stop'
function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Write-Step "B2B: $AppCompanies companies the app already made in Intercom, each with one of its users"
$paying = @(Get-StripeCustomerProfile | Where-Object { $_.Metadata.ContainsKey('account_id') -and $_.Mrr -gt 0 } | Select-Object -First $AppCompanies)
foreach ($customer in $paying) {
    $accountId = $customer.Metadata['account_id']
    $user = (Invoke-FakeControl $Servers.IntercomUrl POST 'contacts' @{
            role = 'user'; external_id = "app-user-$accountId"; email = "teammate@$accountId.example.com"; name = "Teammate at $accountId"
        }).data[0]
    Invoke-FakeControl $Servers.IntercomUrl POST 'companies' @{ company_id = $accountId; name = "$($customer.Name)'s team"; contact_ids = @($user.id) } | Out-Null
}
(Invoke-FakeControl $Servers.IntercomUrl GET 'companies').data |
    Select-Object company_id, name, monthly_spend, user_count, @{ n = 'plan'; e = { $_.plan.name } } | Format-Table | Out-Host

Write-Step 'Invoke-StripeIntercomSync -SyncCompany -CompanyIdMetadataKey account_id (company_id = the app''s account id, else the customer id)'
$run = Invoke-StripeIntercomSync -SyncCompany -CompanyIdMetadataKey account_id
$run | Format-List Customers, Updated, Unchanged, Companies, CompaniesCreated, CompaniesUpdated, CompaniesUnchanged, CompaniesFailed, IntercomCalls, IntercomWrites | Out-Host
if ($run.CompaniesFailed -or $run.Failed) { throw 'The demo company sync reported failures.' }

Write-Step "The app's companies now: same name and users, plus the billing contact and the billing context"
$fakeCompanies = (Invoke-FakeControl $Servers.IntercomUrl GET 'companies').data
foreach ($customer in $paying) {
    $company = Get-IntercomCompany -CompanyId $customer.Metadata['account_id']
    [pscustomobject]@{
        CompanyId     = $company.CompanyId
        Name          = $company.Name
        Plan          = $company.Plan
        MonthlySpend  = $company.MonthlySpend
        Status        = $company.Attributes['stripe_subscription_status']
        Mrr           = $company.Attributes['stripe_mrr']
        Currency      = $company.Attributes['stripe_currency']
        Customers     = $company.Attributes['stripe_customer_ids']
        Users         = $company.UserCount
    } | Format-List | Out-Host
    $contactIds = ($fakeCompanies | Where-Object company_id -EQ $company.CompanyId).contact_ids
    $contactIds | ForEach-Object { Get-IntercomContact -Id $_ } |
        Select-Object ExternalId, Email, @{ n = 'stripe_plan_name'; e = { $_.Attributes['stripe_plan_name'] } }, @{ n = 'stripe_mrr'; e = { $_.Attributes['stripe_mrr'] } } |
        Format-Table | Out-Host
}

Write-Step 'Run again: nothing changed in Stripe, so only a company no contact could be attached to is written again (Intercom hides a company without users, so it cannot be read back)'
$again = Invoke-StripeIntercomSync -SyncCompany -CompanyIdMetadataKey account_id
$again | Format-List Companies, CompaniesUnchanged, IntercomCalls, IntercomWrites | Out-Host
Write-Host ("B2B done: {0} companies ({1} of them the app's, updated in place), then a re-run with {2} Intercom writes." -f `
    $run.Companies, $paying.Count, $again.IntercomWrites) -ForegroundColor Green
