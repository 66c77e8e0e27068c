BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '60')
    Connect-TestFakes $servers | Out-Null
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Get-StripeCustomerProfile' {
    It 'streams typed profiles whose fields match what Stripe holds' {
        $profiles = Get-StripeCustomerProfile | Select-Object -First 3
        $profiles.Count | Should -Be 3
        foreach ($profile in $profiles) {
            $profile | Should -BeOfType ([StripeIntercom.Stripe.CustomerProfile])
            $raw = Invoke-FakeControl $servers.StripeUrl GET "customers/$($profile.Id)"
            $profile.Email | Should -Be $raw.customer.email
            $profile.Name | Should -Be $raw.customer.name
            $profile.Created | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds($raw.customer.created))
            $profile.Subscriptions.Count | Should -Be @($raw.subscriptions).Count
            $profile.DashboardUrl | Should -Be "https://dashboard.stripe.com/test/customers/$($profile.Id)"
        }
    }

    It 'shows a readable table and every field in a list' {
        $table = Get-StripeCustomerProfile -First 3 | Format-Table | Out-String -Width 200
        $table | Should -Match 'Id\s+Email\s+Plan\s+Status\s+MRR\s+PeriodEnd'
        $list = Get-StripeCustomerProfile -First 1 | Format-List | Out-String -Width 200
        foreach ($field in 'Balance', 'Delinquent', 'Subscriptions', 'PrimarySubscription', 'Mrr', 'LatestInvoice', 'PaymentFailing', 'DefaultCard', 'DashboardUrl') {
            $list | Should -Match "$field\s*:"
        }
    }

    It 'stops reading Stripe when the pipeline has enough' {
        Invoke-FakeControl $servers.StripeUrl POST 'counters/reset' | Out-Null
        Get-StripeCustomerProfile | Select-Object -First 2 | Out-Null
        $counters = Invoke-FakeControl $servers.StripeUrl GET 'counters'
        $counters.routes.'GET /v1/customers' | Should -Be 1
    }

    It 'takes ids from the pipeline and reports unknown ones without stopping' {
        $known = (Get-StripeCustomerProfile -First 2).Id
        $errors = $null
        $found = @($known[0], 'cus_doesnotexist', $known[1]) | Get-StripeCustomerProfile -ErrorVariable errors -ErrorAction SilentlyContinue
        $found.Id | Should -Be $known
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CustomerNotFound,*'
        $errors[0].TargetObject | Should -Be 'cus_doesnotexist'
    }

    It 'filters by email and creation time' {
        $sample = Get-StripeCustomerProfile | Where-Object Email | Select-Object -First 1
        (Get-StripeCustomerProfile -Email $sample.Email).Id | Should -Contain $sample.Id
        $after = Get-StripeCustomerProfile -CreatedAfter $sample.Created.UtcDateTime
        $after | ForEach-Object { $_.Created | Should -BeGreaterOrEqual $sample.Created }
    }

    It 'writes no secret to the verbose stream' {
        $verbose = Get-StripeCustomerProfile -First 5 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Out-String) | Should -Not -Match ([regex]::Escape($servers.StripeKey))
    }
}
