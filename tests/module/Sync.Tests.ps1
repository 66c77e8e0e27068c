BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '40', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Sync-IntercomContact and Invoke-StripeIntercomSync' {
    It '-WhatIf writes nothing and still tells, per customer, what would change' {
        $results = Get-StripeCustomerProfile -First 5 | Sync-IntercomContact -WhatIf
        $results.Count | Should -Be 5
        $results | ForEach-Object {
            $_ | Should -BeOfType ([StripeIntercom.Sync.SyncResult])
            $_.WhatIf | Should -BeTrue
            $_.Action | Should -Be 'Created'
            ($_.Changes.Name) | Should -Contain 'stripe_subscription_status'
        }
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
        (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').total_count | Should -Be 0
    }

    It 'creates contacts, then leaves them alone when nothing changed' {
        $first = Get-StripeCustomerProfile -First 10 | Sync-IntercomContact
        ($first | Where-Object Action -EQ 'Created').Count | Should -Be 10
        $contacts = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data
        foreach ($result in $first) {
            $contact = $contacts | Where-Object external_id -EQ $result.CustomerId
            @($contact).Count | Should -Be 1
            $contact.id | Should -Be $result.ContactId
            $contact.role | Should -Be 'user'
        }

        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null
        $second = Get-StripeCustomerProfile -First 10 | Sync-IntercomContact
        $second.Action | Sort-Object -Unique | Should -Be 'Unchanged'
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
    }

    It 'adds computed attributes from scriptblocks and reads the contact back' {
        $profile = Get-StripeCustomerProfile -First 1
        $result = $profile | Sync-IntercomContact -ComputedAttribute @{ stripe_vip = @{ Type = 'boolean'; Expression = { $_.Mrr -ge 1 } } }
        $result.Action | Should -Be 'Updated'
        $contact = Get-IntercomContact -ExternalId $profile.Id
        $contact.Attributes['stripe_vip'] | Should -Be ($profile.Mrr -ge 1)
        $contact.Attributes['stripe_customer_id'] | Should -Be $profile.Id
    }

    It 'reports a bad attribute map clearly' {
        { Get-StripeCustomerProfile -First 1 | Sync-IntercomContact -Attribute 'stripe_no_such_thing' } |
            Should -Throw -ErrorId 'InvalidAttributeMap,*' -ExpectedMessage '*stripe_no_such_thing*'
    }

    It 'runs the whole job and summarises it' {
        $live = @(Get-StripeCustomerProfile).Count
        $summary = Invoke-StripeIntercomSync
        $summary | Should -BeOfType ([StripeIntercom.Sync.SyncSummary])
        $summary.Customers | Should -Be $live
        $summary.Failed | Should -Be 0
        ($summary.Created + $summary.Updated + $summary.Unchanged) | Should -Be $live
        $summary.Succeeded | Should -BeTrue
        (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').total_count | Should -Be $live

        $again = Invoke-StripeIntercomSync
        $again.Unchanged | Should -Be $live
        $again.IntercomWrites | Should -Be 0
    }

    It 'fails only the customer whose data is bad, naming it, and goes on' {
        $profiles = @(Get-StripeCustomerProfile -First 4)
        $bad = $profiles[1].Id
        $errors = $null
        $results = $profiles | Sync-IntercomContact -ComputedAttribute @{ stripe_segment = @{ Type = 'string'; Expression = { if ($_.Id -eq $bad) { throw 'no segment for this one' } ; 'standard' } } } -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Count | Should -Be 4
        ($results | Where-Object CustomerId -EQ $bad).Action | Should -Be 'Failed'
        @($results | Where-Object Action -EQ 'Failed').Count | Should -Be 1
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SyncFailed,*'
        $errors[0].TargetObject | Should -Be $bad
        "$errors" | Should -Match $bad
    }

    It 'shows each API call in the verbose stream, without secrets' {
        $verbose = Get-StripeCustomerProfile -First 2 | Sync-IntercomContact -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'GET /contacts\S* -> 200 in \d+ ms'
        $stripeVerbose = Get-StripeCustomerProfile -First 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($stripeVerbose.Message -join "`n") | Should -Match 'Stripe GET /v1/customers -> 200 in \d+ ms'
        ($stripeVerbose.Message -join "`n") | Should -Not -Match ([regex]::Escape($servers.StripeKey))
        ($verbose.Message -join "`n") | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
    }
}

Describe 'Get-IntercomContact and Initialize-IntercomDataAttribute' {
    It 'reads a synced contact back by external id, id and email' {
        $profile = Get-StripeCustomerProfile | Where-Object Email | Select-Object -First 1
        $result = $profile | Sync-IntercomContact
        (Get-IntercomContact -ExternalId $profile.Id).Id | Should -Be $result.ContactId
        (Get-IntercomContact -Id $result.ContactId).ExternalId | Should -Be $profile.Id
        $byEmail = Get-IntercomContact -Email $profile.Email
        $byEmail.Id | Should -Contain $result.ContactId
    }

    It 'reports a contact that does not exist as ContactNotFound' {
        $errors = $null
        Get-IntercomContact -ExternalId 'cus_nobody' -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ContactNotFound,*'
    }

    It 'plans with -WhatIf, then creates only the missing attributes, idempotently' {
        $plan = Initialize-IntercomDataAttribute -ComputedAttribute @{ stripe_tier = @{ Type = 'string'; Expression = { 'gold' } } } -WhatIf
        ($plan | Where-Object Name -EQ 'stripe_tier').Action | Should -Be 'WouldCreate'
        ($plan | Where-Object Name -EQ 'stripe_mrr').Action | Should -Be 'Exists'
        $created = Initialize-IntercomDataAttribute -ComputedAttribute @{ stripe_tier = @{ Type = 'string'; Expression = { 'gold' } } } -Confirm:$false
        ($created | Where-Object Name -EQ 'stripe_tier').Action | Should -Be 'Created'
        $again = Initialize-IntercomDataAttribute -ComputedAttribute @{ stripe_tier = @{ Type = 'string'; Expression = { 'gold' } } }
        @($again | Where-Object Action -NE 'Exists').Count | Should -Be 0
    }
}
