BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null
    # About half the fake customers carry metadata account_id: the app's own account id.
    $withAccount = @(Get-StripeCustomerProfile | Where-Object { $_.Metadata.ContainsKey('account_id') })
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Company sync (-SyncCompany)' {
    It '-WhatIf plans the company writes with their changes and writes nothing' {
        $ids = @($withAccount[0].Id, $withAccount[1].Id)
        $results = Sync-IntercomContact -CustomerId $ids -SyncCompany -CompanyIdMetadataKey account_id -WhatIf
        $companies = @($results | Where-Object { $_ -is [StripeIntercom.Companies.CompanySyncResult] })
        $companies.Count | Should -Be 2
        # Company results follow the customers' results.
        $results[0] | Should -BeOfType ([StripeIntercom.Sync.SyncResult])
        $results[-1] | Should -BeOfType ([StripeIntercom.Companies.CompanySyncResult])
        foreach ($company in $companies) {
            $company.WhatIf | Should -BeTrue
            $company.Action | Should -Be 'Created'
            $company.CompanyId | Should -BeIn ($withAccount[0..1] | ForEach-Object { $_.Metadata['account_id'] })
            $company.Changes.Name | Should -Contain 'monthly_spend'
            $company.Changes.Name | Should -Contain 'stripe_customer_ids'
            $company.Changes.Name | Should -Contain 'contact'
        }
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
        (Invoke-FakeControl $servers.IntercomUrl GET 'companies').total_count | Should -Be 0
    }

    It 'updates the app''s own company in place, keeps its users, and a re-run writes nothing' {
        $customer = $withAccount[2]
        $accountId = $customer.Metadata['account_id']
        $appUser = (Invoke-FakeControl $servers.IntercomUrl POST 'contacts' @{ role = 'user'; external_id = "app-user-$accountId"; email = "teammate@$accountId.example.test" }).data[0]
        Invoke-FakeControl $servers.IntercomUrl POST 'companies' @{ company_id = $accountId; name = 'Made by the app'; contact_ids = @($appUser.id) } | Out-Null

        $summary = Invoke-StripeIntercomSync -SyncCompany -CompanyIdMetadataKey account_id
        $summary.Succeeded | Should -BeTrue
        $summary.Companies | Should -BeGreaterThan 0
        $summary.CompaniesFailed | Should -Be 0
        "$summary" | Should -BeLike '*companies*'

        $all = (Invoke-FakeControl $servers.IntercomUrl GET 'companies').data
        @($all | Where-Object company_id -EQ $accountId).Count | Should -Be 1
        $company = $all | Where-Object company_id -EQ $accountId
        $company.name | Should -Be 'Made by the app'
        $company.contact_ids | Should -Contain $appUser.id
        $contact = Get-IntercomContact -ExternalId $customer.Id
        $company.contact_ids | Should -Contain $contact.Id
        $company.plan.name | Should -Be $customer.Plan
        $company.custom_attributes.stripe_customer_ids | Should -BeLike "*$($customer.Id)*"
        # Every live customer has a company: by account_id when it has one, else by its own id.
        foreach ($profile in Get-StripeCustomerProfile) {
            $companyId = if ($profile.Metadata.ContainsKey('account_id')) { $profile.Metadata['account_id'] } else { $profile.Id }
            @($all | Where-Object company_id -EQ $companyId).Count | Should -Be 1
        }

        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null
        $again = Invoke-StripeIntercomSync -SyncCompany -CompanyIdMetadataKey account_id -PassThru
        $again[-1].CompaniesUnchanged | Should -Be $again[-1].Companies
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').routes.'DELETE /contacts/{id}/companies/{company_id}' | Should -BeNullOrEmpty
    }

    It 'Get-IntercomCompany finds a company by company_id, Intercom id and Stripe customer id' {
        $customer = $withAccount[2]
        $accountId = $customer.Metadata['account_id']
        $byCustomer = Get-IntercomCompany -CustomerId $customer.Id -CompanyIdMetadataKey account_id
        $byCustomer.CompanyId | Should -Be $accountId
        $byCustomer.Attributes['stripe_customer_ids'] | Should -BeLike "*$($customer.Id)*"
        $byCustomer.Attributes['stripe_subscription_status'] | Should -Be $customer.SubscriptionStatus
        (Get-IntercomCompany -CompanyId $accountId).Id | Should -Be $byCustomer.Id
        (Get-IntercomCompany -Id $byCustomer.Id).CompanyId | Should -Be $accountId
        Get-IntercomCompany -CompanyId 'acct-nobody' -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'CompanyNotFound*'
    }

    It 'Initialize-IntercomDataAttribute -SyncCompany finds the company attributes the sync made' {
        $results = Initialize-IntercomDataAttribute -SyncCompany
        $company = @($results | Where-Object Model -EQ 'company')
        $company.Name | Should -Contain 'stripe_customer_ids'
        $company.Name | Should -Contain 'stripe_mrr'
        $company.Action | Sort-Object -Unique | Should -Be 'Exists'
    }

    It 'a computed attribute goes where its Model says: Company, not the contact' {
        $customer = $withAccount[3]
        $tier = @{ company_tier = @{ Model = 'Company'; Type = 'string'; Expression = { if ($_.Mrr -ge 100) { 'large' } else { 'small' } } } }
        $results = Sync-IntercomContact -CustomerId $customer.Id -SyncCompany -CompanyIdMetadataKey account_id -ComputedAttribute $tier
        $company = $results | Where-Object { $_ -is [StripeIntercom.Companies.CompanySyncResult] }
        $company.Action | Should -Be 'Updated'
        ($company.Changes | Where-Object Name -EQ 'company_tier').NewValue | Should -Be $(if ($customer.Mrr -ge 100) { 'large' } else { 'small' })
        (Get-IntercomCompany -CompanyId $customer.Metadata['account_id']).Attributes['company_tier'] | Should -Not -BeNullOrEmpty
        (Get-IntercomContact -ExternalId $customer.Id).Attributes.Contains('company_tier') | Should -BeFalse
    }

    It 'Receive-StripeWebhook -SyncCompany updates the company of the delivery''s customer' {
        $secret = 'whsec_test_' + [guid]::NewGuid().ToString('n')
        $customer = $withAccount[4]
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($customer.Id)/change" @{ balance = 123456 } | Out-Null
        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null
        $payload = New-StripeEventPayload -CustomerId $customer.Id
        $results = Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret) -Secret (ConvertTo-TestSecureString $secret) -SyncCompany -CompanyIdMetadataKey account_id
        $results[0].Action | Should -Be 'Updated'
        $company = $results[-1]
        $company | Should -BeOfType ([StripeIntercom.Companies.CompanySyncResult])
        $company.CompanyId | Should -Be $customer.Metadata['account_id']
        $company.Action | Should -Be 'Updated'
        $company.Changes.Name | Should -Contain 'stripe_balance'
        $counters = Invoke-FakeControl $servers.IntercomUrl GET 'counters'
        # One lookup by company_id, one company write; no scroll of the workspace for one customer.
        $counters.routes.'GET /companies' | Should -Be 1
        $counters.routes.'POST /companies' | Should -Be 1
        $counters.routes.'GET /companies/scroll' | Should -BeNullOrEmpty
    }

    It '-CompanyIdMetadataKey without -SyncCompany is refused' {
        { Sync-IntercomContact -CustomerId $withAccount[0].Id -CompanyIdMetadataKey account_id } |
            Should -Throw -ErrorId 'CompanyIdMetadataKeyWithoutSyncCompany,*'
    }
}
