BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '40')
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
}
