BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--stripe-rps', '0')
    Connect-TestFakes $servers | Out-Null
    $secret = 'whsec_test_' + [guid]::NewGuid().ToString('n')
    $secure = ConvertTo-TestSecureString $secret
    $customers = @(Get-StripeCustomerProfile -First 4)
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Receive-StripeWebhook' {
    It 'syncs the customer of a correctly signed delivery' {
        $payload = New-StripeEventPayload -CustomerId $customers[0].Id
        $result = Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret) -Secret $secure
        $result.CustomerId | Should -Be $customers[0].Id
        $result.Action | Should -Be 'Created'
        (Get-IntercomContact -ExternalId $customers[0].Id).Attributes['stripe_customer_id'] | Should -Be $customers[0].Id
    }

    It 'rejects a delivery signed with another secret, without echoing either' {
        $payload = New-StripeEventPayload -CustomerId $customers[1].Id
        $failure = $null
        try { Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload 'whsec_wrong') -Secret $secure } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'WebhookRejected.BadSignature,*'
        ($failure | Format-List * -Force | Out-String) | Should -Not -Match $secret
    }

    It 'rejects a stale timestamp' {
        $payload = New-StripeEventPayload -CustomerId $customers[1].Id
        $old = [DateTimeOffset]::UtcNow.AddMinutes(-20).ToUnixTimeSeconds()
        { Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret $old) -Secret $secure } |
            Should -Throw -ErrorId 'WebhookRejected.StaleTimestamp,*'
    }

    It 'ignores an event type the sync does not follow, and says so' {
        $payload = New-StripeEventPayload -CustomerId $customers[1].Id -Type 'product.created'
        $result = Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret) -Secret $secure
        $result.Action | Should -Be 'Skipped'
        $result.Error | Should -Match 'product.created'
    }

    It 'takes the secret from STRIPE_WEBHOOK_SECRET' {
        $env:STRIPE_WEBHOOK_SECRET = $secret
        try {
            $payload = New-StripeEventPayload -CustomerId $customers[0].Id
            (Receive-StripeWebhook -Payload $payload -Signature (New-StripeSignatureHeader $payload $secret)).Action | Should -Be 'Unchanged'
        }
        finally { Remove-Item env:STRIPE_WEBHOOK_SECRET }
    }
}

Describe 'Start-StripeWebhookListener' {
    It 'acknowledges every delivery, drops duplicates, coalesces bursts and syncs each customer' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $prefix = "http://127.0.0.1:$port/"
        $activityFile = Join-Path $TestDrive 'activity.json'
        $env:STRIPE_WEBHOOK_SECRET = $secret
        try {
            $child = Start-ModuleChildProcess -Servers $servers -WorkingDirectory $TestDrive -Script @"
Connect-StripeIntercom | Out-Null
Start-StripeWebhookListener -Prefix '$prefix' -Duration (New-TimeSpan -Seconds 20) | Select-Object @{ n = 'Kind'; e = { [string]`$_.Kind } }, CustomerId, EventId | ConvertTo-Json | Set-Content '$activityFile'
"@
        }
        finally { Remove-Item env:STRIPE_WEBHOOK_SECRET }

        $targets = $customers[1..3].Id
        $deliveries = foreach ($i in 1..30) { New-StripeEventPayload -CustomerId $targets[$i % 3] -EventId "evt_burst_$i" }
        $deliveries += $deliveries[0]   # the same event delivered twice
        $statuses = foreach ($payload in $deliveries) {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($true) {
                try {
                    (Invoke-WebRequest -Uri $prefix -Method Post -Body $payload -ContentType 'application/json' -Headers @{ 'Stripe-Signature' = (New-StripeSignatureHeader $payload $secret) } -SkipHttpErrorCheck).StatusCode
                    break
                }
                catch { if ([DateTime]::UtcNow -gt $deadline) { throw } ; Start-Sleep -Milliseconds 200 }
            }
        }
        $bad = Invoke-WebRequest -Uri $prefix -Method Post -Body $deliveries[1] -Headers @{ 'Stripe-Signature' = 't=1,v1=00' } -SkipHttpErrorCheck

        $child.WaitForExit(60000) | Should -BeTrue
        @($statuses | Where-Object { $_ -ne 200 }).Count | Should -Be 0
        $bad.StatusCode | Should -Be 400
        $activity = Get-Content $activityFile -Raw | ConvertFrom-Json
        @($activity | Where-Object Kind -EQ 'Duplicate').Count | Should -BeGreaterOrEqual 1
        $synced = @($activity | Where-Object Kind -EQ 'Synced')
        $synced.Count | Should -BeLessThan 30
        foreach ($id in $targets) {
            $synced.CustomerId | Should -Contain $id
            (Get-IntercomContact -ExternalId $id).Attributes['stripe_customer_id'] | Should -Be $id
        }
    }
}
