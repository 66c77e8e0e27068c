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
    It 'connects by itself, says where it listens, acknowledges, drops duplicates, coalesces, and answers a rejection with a bare 400' {
        $urlFile = Join-Path $TestDrive 'listening.txt'
        $activityFile = Join-Path $TestDrive 'activity.json'
        $warningFile = Join-Path $TestDrive 'warnings.txt'
        $env:STRIPE_WEBHOOK_SECRET = $secret
        try {
            # No Connect-StripeIntercom: the listener connects from the environment, as Invoke-StripeIntercomSync does.
            $child = Start-ModuleChildProcess -Servers $servers -WorkingDirectory $TestDrive -Script @"
`$activity = Start-StripeWebhookListener -Prefix 'http://127.0.0.1:0/stripe/' -Duration (New-TimeSpan -Seconds 25) -WarningVariable listenerWarnings -WarningAction SilentlyContinue 6>&1 |
    ForEach-Object { if (`$_ -is [System.Management.Automation.InformationRecord]) { Set-Content '$urlFile' "`$(`$_.MessageData)" } else { `$_ } }
`$activity | Select-Object @{ n = 'Kind'; e = { [string]`$_.Kind } }, CustomerId, EventId, Detail | ConvertTo-Json | Set-Content '$activityFile'
`$listenerWarnings | ForEach-Object { "`$_" } | Set-Content '$warningFile'
"@
        }
        finally { Remove-Item env:STRIPE_WEBHOOK_SECRET }

        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not ((Test-Path $urlFile) -and (Get-Content $urlFile -Raw) -match 'http://127\.0\.0\.1:\d+/stripe/')) {
            if ([DateTime]::UtcNow -gt $deadline -or $child.HasExited) { throw "The listener never said where it listens." }
            Start-Sleep -Milliseconds 100
        }
        $url = $Matches[0]
        (Get-Content $urlFile -Raw) | Should -Match 'Listening for Stripe webhooks on http://127\.0\.0\.1:\d+/stripe/'

        $targets = $customers[1..3].Id
        $deliveries = foreach ($i in 1..30) { New-StripeEventPayload -CustomerId $targets[$i % 3] -EventId "evt_burst_$i" }
        $deliveries += $deliveries[0]   # the same event delivered twice
        $statuses = foreach ($payload in $deliveries) {
            (Invoke-WebRequest -Uri $url -Method Post -Body $payload -ContentType 'application/json' -Headers @{ 'Stripe-Signature' = (New-StripeSignatureHeader $payload $secret) } -SkipHttpErrorCheck).StatusCode
        }
        $forged = Invoke-WebRequest -Uri $url -Method Post -Body $deliveries[1] -Headers @{ 'Stripe-Signature' = (New-StripeSignatureHeader $deliveries[1] 'whsec_wrong') } -SkipHttpErrorCheck
        $elsewhere = Invoke-WebRequest -Uri ($url -replace '/stripe/$', '/other') -Method Post -Body $deliveries[1] -Headers @{ 'Stripe-Signature' = (New-StripeSignatureHeader $deliveries[1] $secret) } -SkipHttpErrorCheck

        $child.WaitForExit(90000) | Should -BeTrue
        @($statuses | Where-Object { $_ -ne 200 }).Count | Should -Be 0
        $forged.StatusCode | Should -Be 400
        "$($forged.Content)" | Should -BeNullOrEmpty
        $elsewhere.StatusCode | Should -Be 404
        $activity = Get-Content $activityFile -Raw | ConvertFrom-Json
        @($activity | Where-Object Kind -EQ 'Duplicate').Count | Should -BeGreaterOrEqual 1
        $synced = @($activity | Where-Object Kind -EQ 'Synced')
        $synced.Count | Should -BeLessThan 30
        foreach ($id in $targets) {
            $synced.CustomerId | Should -Contain $id
            (Get-IntercomContact -ExternalId $id).Attributes['stripe_customer_id'] | Should -Be $id
        }

        # Rejections are summarised (counts per reason and address), not reported one by one.
        $rejected = @($activity | Where-Object Kind -EQ 'Rejected')
        $rejected.Count | Should -Be 1
        $rejected[0].Detail | Should -Match 'BadSignature 1 from 127\.0\.0\.1'
        $rejected[0].Detail | Should -Match 'NotFound 1 from 127\.0\.0\.1'
        (Get-Content $warningFile -Raw) | Should -Match 'webhook request\(s\) rejected'

        $everything = (Get-Content $activityFile -Raw) + (Get-Content $warningFile -Raw) + (Get-Content $urlFile -Raw) + "$($forged.RawContent)"
        foreach ($secretValue in $secret, $servers.StripeKey, $servers.IntercomToken) {
            $everything | Should -Not -Match ([regex]::Escape($secretValue))
        }
    }
}
