BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '6', '--search-lag-seconds', '0', '--stripe-rps', '0')
    Connect-TestFakes $servers | Out-Null
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Values longer than Intercom takes' {
    It 'syncs a 400-character name and a 10 KB description cut to fit, fails only the 300-character email naming the field, and goes on' {
        $longName = (Invoke-FakeControl $servers.StripeUrl POST 'customers' @{ email = 'long.name@example.com'; name = ('N' * 400) }).customer
        $longEmail = (Invoke-FakeControl $servers.StripeUrl POST 'customers' @{ email = (('l' * 300) + '@example.com'); name = 'Long Email' }).customer
        $longText = (Invoke-FakeControl $servers.StripeUrl POST 'customers' @{ email = 'long.text@example.com'; name = 'Long Text'; description = ('0123456789' * 1024) }).customer
        $all = @(Get-StripeCustomerProfile).Count

        $errors = $null
        $output = Invoke-StripeIntercomSync -PassThru -ComputedAttribute @{ stripe_description = @{ Type = 'string'; Expression = { $_.Description } } } `
            -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $summary = $output | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
        $results = @($output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })

        $summary.Customers | Should -Be $all
        $summary.Failed | Should -Be 1
        $summary.Created | Should -Be ($all - 1)
        ($results | Where-Object CustomerId -EQ $longEmail.id).Error | Should -Match "field 'email'"
        @($errors).Count | Should -Be 1
        "$($errors[0])" | Should -Match "field 'email'"
        "$($errors[0])" | Should -Match $longEmail.id

        $named = Get-IntercomContact -ExternalId $longName.id
        $named.Name | Should -Be ('N' * 255)
        $described = Get-IntercomContact -ExternalId $longText.id
        $described.Attributes['stripe_description'].Length | Should -Be 255
    }
}
