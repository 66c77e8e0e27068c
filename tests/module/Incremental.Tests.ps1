BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Invoke-StripeIntercomSync -Incremental' {
    BeforeAll {
        $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '300', '--stripe-rps', '0')
        Connect-TestFakes $servers | Out-Null
        $state = Join-Path $TestDrive 'sync-state.json'
    }

    AfterAll {
        Disconnect-StripeIntercom
        $servers | Stop-FakeServers
    }

    It 'starts with a full sync, says so, and records a cursor without secrets' {
        $warnings = $null
        $first = Invoke-StripeIntercomSync -Incremental -StatePath $state -WarningVariable warnings -WarningAction SilentlyContinue
        $first.Mode | Should -Be 'Full'
        $first.Failed | Should -Be 0
        ($warnings -join ' ') | Should -Match 'full sync'
        $saved = Get-Content $state -Raw
        $saved | Should -Match '"cursor"'
        $saved | Should -Not -Match ([regex]::Escape($servers.StripeKey))
        $saved | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
    }

    It 'then writes exactly the changed and deleted customers, at a Stripe cost proportional to the changes' {
        $changed = @((Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = 50; seed = 11 }).changed)
        $deleted = @(Get-StripeCustomerProfile | Where-Object { $changed -notcontains $_.Id } | Select-Object -First 5 -ExpandProperty Id)
        foreach ($id in $deleted) { Invoke-FakeControl $servers.StripeUrl POST "customers/$id/delete" | Out-Null }
        Invoke-FakeControl $servers.StripeUrl POST 'counters/reset' | Out-Null
        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null

        $output = Invoke-StripeIntercomSync -Incremental -StatePath $state -PassThru
        $summary = $output | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
        $results = @($output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })

        $summary.Mode | Should -Be 'Incremental'
        # Every changed customer is re-read and synced; a change Stripe made that none of the mapped attributes
        # shows (say a second subscription going from active to past_due) rightly writes nothing.
        $expected = @($changed + $deleted)
        foreach ($id in $expected) { $results.CustomerId | Should -Contain $id }
        $written = @($results | Where-Object { $_.Action -in 'Created', 'Updated', 'Archived' } | ForEach-Object CustomerId)
        foreach ($id in $written) { $expected | Should -Contain $id }
        $written.Count | Should -BeGreaterOrEqual ([int]($expected.Count * 0.9))
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be $written.Count
        foreach ($id in $deleted) {
            $contact = Get-IntercomContact -ExternalId $id
            $contact.Attributes['stripe_deleted'] | Should -BeTrue
            $contact.Attributes['stripe_subscription_status'] | Should -Be 'none'
        }

        $stripeCalls = (Invoke-FakeControl $servers.StripeUrl GET 'counters').total
        Write-Host "Incremental run: $($changed.Count + $deleted.Count) changed customers of 300 cost $stripeCalls Stripe calls and $($summary.IntercomCalls) Intercom calls"
        # One call per changed customer, and one more for each without a live subscription: whether it churned
        # (its last canceled subscription) or never subscribed is a separate listing Stripe's customer read leaves out.
        $withoutLive = @($changed | Get-StripeCustomerProfile | Where-Object { $_.Subscriptions.Count -eq 0 }).Count
        $stripeCalls | Should -BeLessOrEqual ($changed.Count + $deleted.Count + $withoutLive + 5)
    }

    It 'writes nothing when nothing changed since the cursor' {
        $again = Invoke-StripeIntercomSync -Incremental -StatePath $state
        $again.Mode | Should -Be 'Incremental'
        $again.Customers | Should -Be 0
        $again.IntercomWrites | Should -Be 0
    }

    It 'archives the contacts of deleted customers when asked' {
        $id = (Get-StripeCustomerProfile -First 1).Id
        Invoke-FakeControl $servers.StripeUrl POST "customers/$id/delete" | Out-Null
        $results = Invoke-StripeIntercomSync -Incremental -StatePath $state -DeletedCustomerAction Archive -PassThru | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] }
        ($results | Where-Object CustomerId -EQ $id).Action | Should -Be 'Archived'
        ((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data | Where-Object external_id -EQ $id).archived | Should -BeTrue
    }

    It 'refuses to start while another run holds the state' {
        $held = [StripeIntercom.Incremental.SyncStateStore]::AcquireLock($state)
        try {
            { Invoke-StripeIntercomSync -Incremental -StatePath $state } | Should -Throw -ErrorId 'SyncAlreadyRunning,*'
        }
        finally { $held.Dispose() }
    }

    It 'falls back to a full sync, and says why, when the state is unreadable' {
        $broken = Join-Path $TestDrive 'broken-state.json'
        Set-Content $broken '{ this is not json'
        $warnings = $null
        $summary = Invoke-StripeIntercomSync -Incremental -StatePath $broken -WarningVariable warnings -WarningAction SilentlyContinue
        $summary.Mode | Should -Be 'Full'
        $summary.Note | Should -Match 'unreadable|could not|not valid'
        $summary.IntercomWrites | Should -Be 0
    }
}

Describe 'A full sync killed halfway' {
    BeforeAll {
        $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '240', '--stripe-rps', '0', '--intercom-latency-ms', '60')
        Connect-TestFakes $servers | Out-Null
        $state = Join-Path $TestDrive 'killed-state.json'
    }

    AfterAll {
        Disconnect-StripeIntercom
        $servers | Stop-FakeServers
    }

    It 'resumes from its checkpoint and every customer is created exactly once' {
        $live = @(Get-StripeCustomerProfile).Count
        $child = Start-ModuleChildProcess -Servers $servers -WorkingDirectory $TestDrive -Script "Invoke-StripeIntercomSync -Incremental -StatePath '$state' -ThrottleLimit 2"
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
            $made = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').total_count
            if ($made -ge [int]($live * 0.35)) { break }
            Start-Sleep -Milliseconds 100
        }
        $child.HasExited | Should -BeFalse -Because 'the run must still be going when it is killed'
        Write-Host "killing at $made contacts"
        $child.Kill($true)
        $child.WaitForExit()
        $before = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').total_count
        $before | Should -BeLessThan $live
        (Get-Content $state -Raw | ConvertFrom-Json).fullSync.inProgress | Should -BeTrue

        $resumed = Invoke-StripeIntercomSync -Incremental -StatePath $state -WarningAction SilentlyContinue
        $resumed.Mode | Should -Be 'Resumed'
        $resumed.Failed | Should -Be 0
        $resumed.Customers | Should -BeLessThan $live

        $contacts = (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data
        @($contacts).Count | Should -Be $live
        @($contacts | Group-Object external_id | Where-Object Count -GT 1).Count | Should -Be 0
        # The resumed run creates only what the killed one had not (a create the kill cut off mid-flight counts as not).
        $resumed.Created | Should -BeLessOrEqual ($live - $before)
        ($before + $resumed.Created) | Should -BeGreaterOrEqual ($live - 2)
        (Get-Content $state -Raw | ConvertFrom-Json).fullSync | Should -BeNullOrEmpty
    }
}
