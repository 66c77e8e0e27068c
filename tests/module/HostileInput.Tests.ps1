# What a careless user pipes to Sync-IntercomContact: nothing half-filled is ever written.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '20', '--stripe-rps', '0')
    Connect-TestFakes $servers | Out-Null
    $profiles = @(Get-StripeCustomerProfile | Where-Object { $_.SubscriptionStatus -eq 'active' -and $_.Email } | Select-Object -First 4)
    $profiles | Sync-IntercomContact | Out-Null

    function Get-FakeContact([string] $ExternalId) {
        (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data | Where-Object external_id -EQ $ExternalId
    }
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Sync-IntercomContact given objects that are not profiles read from Stripe' {
    It 'a hashtable with a real id and a typo email is re-read from Stripe: the contact keeps the truth' {
        $target = $profiles[0]
        $result = @{ Id = $target.Id; Email = 'typo@example.com' } | Sync-IntercomContact
        $result.Action | Should -Be 'Unchanged'
        $contact = Get-FakeContact $target.Id
        $contact.email | Should -Be $target.Email
        $contact.custom_attributes.stripe_plan_name | Should -Be $target.Plan
        $contact.custom_attributes.stripe_subscription_status | Should -Be 'active'
    }

    It 'Select-Object output with a few properties is re-read and writes nothing wrong' {
        $target = $profiles[1]
        $result = $target | Select-Object Id, Email, Mrr | Sync-IntercomContact
        $result.CustomerId | Should -Be $target.Id
        $result.Action | Should -Be 'Unchanged'
        (Get-FakeContact $target.Id).custom_attributes.stripe_mrr | Should -Be ([double]$target.Mrr)
    }

    It 'a customer id string is re-read and synced' {
        $target = $profiles[2]
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($target.Id)/change" @{ name = 'Renamed In Stripe' } | Out-Null
        $result = $target.Id | Sync-IntercomContact
        $result.Action | Should -Be 'Updated'
        (Get-FakeContact $target.Id).name | Should -Be 'Renamed In Stripe'
    }

    It 'a half-built profile of a real customer is re-read, never written as it is' {
        $target = $profiles[3]
        $fake = [StripeIntercom.Stripe.CustomerProfile]@{ Id = $target.Id; Email = 'half@example.com' }
        $fake.IsFromStripe | Should -BeFalse
        $result = $fake | Sync-IntercomContact
        $result.Action | Should -Be 'Unchanged'
        $contact = Get-FakeContact $target.Id
        $contact.custom_attributes.stripe_subscription_status | Should -Be 'active'
        $contact.custom_attributes.stripe_dashboard_url | Should -Not -BeNullOrEmpty
    }

    It 'a made-up customer id creates nothing and gets an error naming it' {
        $before = @((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data).Count
        $errors = $null
        [StripeIntercom.Stripe.CustomerProfile]@{ Id = 'cus_madeup' } | Sync-IntercomContact -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CustomerNotFound*'
        $errors[0].TargetObject | Should -Be 'cus_madeup'
        @((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data).Count | Should -Be $before
    }

    It 'an object that names no customer is refused with a clear error and the rest go on' {
        $errors = $null
        $results = @(@{ Name = 'no id here' }, 'not-an-id', $profiles[0]) | Sync-IntercomContact -ErrorVariable errors -ErrorAction SilentlyContinue
        @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidCustomerInput*' }).Count | Should -Be 2
        @($results).Count | Should -Be 1
        $results[0].CustomerId | Should -Be $profiles[0].Id
    }
}
