# The billing real SaaS accounts run, end to end: the fake's showcase customers (one per shape, --billing-shapes)
# synced by Invoke-StripeIntercomSync and read back with Get-IntercomContact. Each expected figure is worked out
# here from Stripe's rules, from the showcase's prices and coupons (tests/StripeIntercom.Fakes/Stripe/FakeBillingShapes.cs).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--billing-shapes', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null
    $summary = Invoke-StripeIntercomSync -WarningAction SilentlyContinue
    function Get-Showcase([string] $Name) {
        $profile = Get-StripeCustomerProfile -Email "$Name@billing.example.com"
        $contact = Get-IntercomContact -CustomerId $profile.Id
        [pscustomobject]@{ Profile = $profile; Contact = $contact; Attributes = $contact.Attributes }
    }
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Billing figures by Stripe''s definitions, through the module' {
    It 'synced every customer without a failure' {
        $summary.Failed | Should -Be 0
        $summary.Customers | Should -BeGreaterThan 30
    }

    It 'prices a volume tier for the whole quantity: 12 seats at the 11-50 tier' {
        $c = Get-Showcase 'volume-seats'
        $c.Attributes['stripe_mrr'] | Should -Be (12 * 8.00)
        $c.Attributes['stripe_plan_amount'] | Should -Be (12 * 8.00)
        $c.Attributes['stripe_plan_name'] | Should -Be 'Seats (volume)'
    }

    It 'prices graduated tiers slice by slice with the flat fee: 5 at 12.00 + 20.00 + 3 at 9.00' {
        (Get-Showcase 'graduated-seats').Attributes['stripe_mrr'] | Should -Be (5 * 12.00 + 20.00 + 3 * 9.00)
    }

    It 'counts forever coupons: 50% of 29.00, 10.00 off 99.00, 25% of 1,200.00 a year' {
        $half = Get-Showcase 'half-forever'
        $half.Attributes['stripe_mrr'] | Should -Be (29.00 * 0.5)
        $half.Attributes['stripe_discount'] | Should -Be '50% off forever'
        (Get-Showcase 'ten-off-forever').Attributes['stripe_mrr'] | Should -Be (99.00 - 10.00)
        $yearly = Get-Showcase 'quarter-yearly'
        $yearly.Attributes['stripe_mrr'] | Should -Be (1200.00 * 0.75 / 12)
        $yearly.Attributes['stripe_plan_amount'] | Should -Be (1200.00 * 0.75)
    }

    It 'leaves a repeating coupon out of MRR but tells the agent about it' {
        $c = Get-Showcase 'welcome-repeating'
        $c.Attributes['stripe_mrr'] | Should -Be 99.00
        $c.Attributes['stripe_discount'] | Should -BeLike '20% off for 3 months, until 20*'
    }

    It 'applies the customer''s own discount to a subscription that has none' {
        $c = Get-Showcase 'customer-discount'
        $c.Attributes['stripe_mrr'] | Should -Be (99.00 * 0.5)
        $c.Attributes['stripe_discount'] | Should -Be '50% off forever'
    }

    It 'leaves metered usage out of MRR' {
        (Get-Showcase 'metered-addon').Attributes['stripe_mrr'] | Should -Be 29.00
    }

    It 'shows a churned customer as canceled with its last plan and when it ended' {
        $c = Get-Showcase 'churned'
        $c.Attributes['stripe_subscription_status'] | Should -Be 'canceled'
        $c.Attributes['stripe_plan_name'] | Should -Be 'Pro monthly'
        $c.Attributes['stripe_mrr'] | Should -Be 0
        $ended = [DateTimeOffset]::FromUnixTimeSeconds($c.Attributes['stripe_canceled_at'])
        ([DateTimeOffset]::UtcNow - $ended).TotalDays | Should -BeGreaterThan 19
        ([DateTimeOffset]::UtcNow - $ended).TotalDays | Should -BeLessThan 21
    }

    It 'finds the card of a customer paying with a legacy card source' {
        $c = Get-Showcase 'card-source'
        $c.Attributes['stripe_card_brand'] | Should -Be 'mastercard'
        $c.Attributes['stripe_card_expiry'] | Should -BeLike '08/20*'
    }

    It 'writes nothing on a second run: the figures are stable' {
        $again = Invoke-StripeIntercomSync -WarningAction SilentlyContinue
        $again.Updated | Should -Be 0
        $again.Created | Should -Be 0
    }
}
