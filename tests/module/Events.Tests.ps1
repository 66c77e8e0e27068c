BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '15', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null
    $state = Join-Path ([IO.Path]::GetTempPath()) ('si-events-' + [guid]::NewGuid().ToString('n') + '.json')
    $secret = 'whsec_test_' + [guid]::NewGuid().ToString('n')

    # The fake Stripe's events newer than $AfterId, oldest first, as Stripe would deliver them.
    function Get-StripeEventsAfter([string] $AfterId) {
        $page = Invoke-RestMethod -Uri ($servers.StripeUrl.TrimEnd('/') + '/v1/events?limit=100') -Headers @{ Authorization = "Bearer $($servers.StripeKey)" }
        $newer = [System.Collections.Generic.List[object]]::new()
        foreach ($event in $page.data) { if ($event.id -eq $AfterId) { break }; $newer.Insert(0, $event) }
        $newer
    }
    function Get-NewestStripeEventId {
        (Invoke-RestMethod -Uri ($servers.StripeUrl.TrimEnd('/') + '/v1/events?limit=1') -Headers @{ Authorization = "Bearer $($servers.StripeKey)" }).data[0].id
    }
    function Send-Delivery($Event, [switch] $WhatIf) {
        $payload = $Event | ConvertTo-Json -Depth 30 -Compress
        Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret) -Secret (ConvertTo-TestSecureString $secret) -SyncEvents -WhatIf:$WhatIf
    }

    # The first state-file run is a full sync: every contact exists, and the cursor is set.
    Invoke-StripeIntercomSync -Incremental -StatePath $state -SyncEvents -WarningAction SilentlyContinue | Out-Null
    $active = @(Get-StripeCustomerProfile | Where-Object SubscriptionStatus -EQ 'active')
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
    Remove-Item $state -ErrorAction SilentlyContinue
}

Describe 'Billing events on the timeline (-SyncEvents)' {
    It 'a payment failure delivered by webhook and read again by the scheduled run is on the contact once' {
        $customer = $active[0]
        $newest = Get-NewestStripeEventId
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($customer.Id)/change" @{ subscription_status = 'past_due' } | Out-Null
        $events = @(Get-StripeEventsAfter $newest)
        $failure = $events | Where-Object type -EQ 'invoice.payment_failed'
        $failure | Should -Not -BeNullOrEmpty

        $delivered = @($events | ForEach-Object { Send-Delivery $_ } | Where-Object { $_ -is [StripeIntercom.Events.BillingEventResult] })
        ($delivered | Where-Object StripeEventId -EQ $failure.id).Action | Should -Be 'Sent'
        ($delivered | Where-Object StripeEventId -EQ $failure.id).EventName | Should -Be 'stripe-payment-failed'

        $run = @(Invoke-StripeIntercomSync -Incremental -StatePath $state -SyncEvents -PassThru -WarningAction SilentlyContinue)
        $summary = $run[-1]
        $summary.EventsSent | Should -BeGreaterThan 0
        $summary.EventsFailed | Should -Be 0
        ($run | Where-Object { $_ -is [StripeIntercom.Events.BillingEventResult] }).StripeEventId | Should -Contain $failure.id
        ($summary | Format-List | Out-String) | Should -BeLike '*Events*sent*'

        $timeline = @(Get-IntercomContact -CustomerId $customer.Id -Events)
        $onContact = @($timeline | Where-Object EventName -EQ 'stripe-payment-failed')
        $onContact.Count | Should -Be 1
        $onContact[0].Data.stripe_event_id | Should -Be $failure.id
        $onContact[0].Created | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds($failure.created))
        $onContact[0].Data.amount.currency | Should -Not -BeNullOrEmpty
        $onContact[0].IntercomUserId | Should -Be (Get-IntercomContact -CustomerId $customer.Id).Id
        (Invoke-FakeControl $servers.IntercomUrl GET 'events').duplicates_ignored | Should -BeGreaterThan 0
        $view = $timeline | Where-Object EventName -EQ 'stripe-payment-failed' | Format-Table | Out-String -Width 400
        $view | Should -BeLike '*stripe-payment-failed*amount=*usd*invoice_number=*'
    }

    It 'a refund delivered with -WhatIf says what it would send and sends nothing' {
        $customer = $active[1]
        $newest = Get-NewestStripeEventId
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($customer.Id)/refund" @{ amount = 700 } | Out-Null
        $refund = Get-StripeEventsAfter $newest | Where-Object type -EQ 'charge.refunded'
        $before = @((Invoke-FakeControl $servers.IntercomUrl GET 'events').events).Count

        $result = Send-Delivery $refund -WhatIf | Where-Object { $_ -is [StripeIntercom.Events.BillingEventResult] }
        $result.Action | Should -Be 'WouldSend'
        $result.EventName | Should -Be 'stripe-charge-refunded'
        @((Invoke-FakeControl $servers.IntercomUrl GET 'events').events).Count | Should -Be $before
    }

    It '-EventName renames an event; an unknown key stops with InvalidAttributeMap naming it' {
        $customer = $active[2]
        Invoke-FakeControl $servers.StripeUrl POST "customers/$($customer.Id)/refund" @{ amount = 300 } | Out-Null
        $run = @(Invoke-StripeIntercomSync -Incremental -StatePath $state -SyncEvents -PassThru -EventName @{ 'charge.refunded' = 'refund-given' } -WarningAction SilentlyContinue)
        ($run | Where-Object { $_ -is [StripeIntercom.Events.BillingEventResult] -and $_.CustomerId -eq $customer.Id }).EventName | Should -Contain 'refund-given'
        (Get-IntercomContact -CustomerId $customer.Id -Events).EventName | Should -Contain 'refund-given'

        { Invoke-StripeIntercomSync -Incremental -StatePath $state -SyncEvents -EventName @{ 'invoice.created' = 'x' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAttributeMap*' -ExpectedMessage "*'invoice.created'*"
    }

    It 'a full run with -SyncEvents warns that it sends none' {
        $null = Invoke-StripeIntercomSync -SyncEvents -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -BeLike '*-Incremental*'
    }
}
