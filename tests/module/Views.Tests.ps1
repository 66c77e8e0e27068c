BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null

    # Renders objects with their default view as an 80-column console would, and checks every line fits.
    function Show-At80 {
        param([Parameter(Mandatory)] [object[]] $InputObject)
        $text = $InputObject | Out-String -Width 80
        foreach ($line in $text -split "`r?`n") {
            $line.Length | Should -BeLessOrEqual 80 -Because "every line of the default view fits 80 columns: '$line'"
        }
        $text
    }

    function Get-HeaderLine([string] $Text) { @($Text -split "`r?`n" | Where-Object { $_.Trim() })[0] }
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Default views at 80 columns' {
    It 'shows profiles with id, email, plan, status, MRR with its currency and period end' {
        $profiles = @(Get-StripeCustomerProfile -First 5)
        $wide = [StripeIntercom.Stripe.CustomerProfile]@{
            Id = 'cus_ABCDEFGHIJKLMN'; Email = 'a.very.long.address.indeed@subsidiary.example.com'; Mrr = 123456.78; MrrCurrency = 'eur'
        }
        $text = Show-At80 ($profiles + $wide)
        $header = Get-HeaderLine $text
        foreach ($column in 'Id', 'Email', 'Plan', 'Status', 'MRR', 'PeriodEnd') { $header | Should -Match "\b$column\b" }
        foreach ($profile in $profiles) { $text | Should -Match ([regex]::Escape($profile.Id)) }
        $text | Should -Match '123,457 EUR|123,456 EUR'
        $withMrr = $profiles | Where-Object MrrCurrency | Select-Object -First 1
        if ($withMrr) { $text | Should -Match ('\d ' + $withMrr.MrrCurrency.ToUpperInvariant()) }
    }

    It 'shows sync results with customer, action, contact and changes' {
        $planned = @(Get-StripeCustomerProfile -First 3 | Sync-IntercomContact -WhatIf 6>$null)
        $conflict = [StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_ABCDEFGHIJKLMN'; Action = 'Conflict'; Candidates = [string[]]@('0123456789abcdef01234567', '89abcdef0123456789abcdef') }
        $failed = [StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_ABCDEFGHIJKLMO'; Action = 'Failed'; Error = 'Stripe customer cus_ABCDEFGHIJKLMO failed while syncing it: ' + ('x' * 200) }
        $text = Show-At80 ($planned + $conflict + $failed)
        $header = Get-HeaderLine $text
        foreach ($column in 'CustomerId', 'Action', 'ContactId', 'Changes') { $header | Should -Match "\b$column\b" }
        $text | Should -Match 'Created\?'
        $text | Should -Match 'Conflict'
        foreach ($result in $planned) { $text | Should -Match ([regex]::Escape($result.CustomerId)) }
    }

    It 'shows webhook activity with time, kind, customer and detail' {
        $result = [StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_ABCDEFGHIJKLMN'; Action = 'Updated'; ContactId = '0123456789abcdef01234567' }
        $activity = @(
            [StripeIntercom.Webhooks.WebhookActivity]::new('Synced', 'cus_ABCDEFGHIJKLMN', $null, $null, $result)
            [StripeIntercom.Webhooks.WebhookActivity]::new('Dropped', 'cus_ABCDEFGHIJKLMO', 'evt_1Q2W3E4R5T6Y7U8I9O0P', 'customer.subscription.updated', $null, $null, 'The pending set is full; the next scheduled run covers this customer.')
            [StripeIntercom.Webhooks.WebhookActivity]::new('Failed', 'cus_ABCDEFGHIJKLMP', $null, $null, $null, [System.InvalidOperationException]::new('x' * 300))
        )
        $text = Show-At80 $activity
        $header = Get-HeaderLine $text
        foreach ($column in 'At', 'Kind', 'CustomerId', 'Detail') { $header | Should -Match "\b$column\b" }
        $text | Should -Match 'Synced\s+cus_ABCDEFGHIJKLMN\s+Updated'
        $text | Should -Match 'Dropped'
    }

    It 'shows a contact with real dates and its attributes as an object that Select-Object and Export-Csv take' {
        $profiles = @(Get-StripeCustomerProfile -First 3)
        $profiles | Sync-IntercomContact | Out-Null
        $contacts = @($profiles | Get-IntercomContact)
        $contacts.Count | Should -Be 3
        $contacts[0].UpdatedAt | Should -BeOfType ([DateTimeOffset])
        $contacts[0].CreatedAt.Year | Should -BeGreaterThan 2000
        $contacts[0].Attributes.stripe_customer_id | Should -Be $profiles[0].Id
        $contacts[0].Attributes['stripe_customer_id'] | Should -Be $profiles[0].Id -Because 'scripts that index the attributes keep working'
        ($contacts[0].Attributes | Format-List | Out-String) | Should -Match 'stripe_subscription_status\s*:'

        $text = Show-At80 $contacts
        $header = Get-HeaderLine $text
        foreach ($column in 'Id', 'Role', 'Email', 'CustomerId', 'Updated') { $header | Should -Match "\b$column\b" }
        $text | Should -Match '\d{4}-\d\d-\d\d'
        $list = Show-At80 ($contacts[0] | Format-List)
        foreach ($label in 'Id', 'Role', 'ExternalId', 'Email', 'CreatedAt', 'UpdatedAt', 'Attributes') { $list | Should -Match "(?m)^$label\s*:" }
        $list | Should -Match 'stripe_customer_id = '

        $csv = $contacts | Select-Object Id, Email -ExpandProperty Attributes | ConvertTo-Csv -NoTypeInformation
        $columns = $csv[0] -split ',' | ForEach-Object { $_.Trim('"') }
        $columns | Should -Contain 'Id'
        $columns | Should -Contain 'stripe_customer_id'
        $columns | Should -Contain 'stripe_subscription_status'
        $csv[1] | Should -Match ([regex]::Escape($profiles[0].Id))
    }

    It 'shows a summary whose counts add up, with calls and duration' {
        $summary = Invoke-StripeIntercomSync
        ($summary.Created + $summary.Updated + $summary.Unchanged + $summary.Skipped + $summary.Conflict + $summary.Failed + $summary.Archived) |
            Should -Be $summary.Customers
        $text = Show-At80 $summary
        $text | Should -Match 'Customers\s*:\s*(\d+) = '
        $customersLine = @($text -split "`r?`n" | Where-Object { $_ -match '^Customers\s*:' })[0]
        $customersLine -match ':\s*(\d+) = (.*)$' | Should -BeTrue
        $total = [int]$Matches[1]
        $parts = [regex]::Matches($Matches[2], '(\d+) \w+') | ForEach-Object { [int]$_.Groups[1].Value }
        ($parts | Measure-Object -Sum).Sum | Should -Be $total
        $customersLine | Should -Match 'skipped'
        $text | Should -Match 'Calls\s*:\s*Stripe \d+, Intercom \d+'
        $text | Should -Match 'took '
        $text | Should -Match 'Result\s*:\s*Succeeded'
        $text | Should -Not -Match 'Next\s*:'
    }

    It 'says what to do next when a run failed or stopped' {
        $summary = [StripeIntercom.Sync.SyncSummary]::new()
        $summary.Add([StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_A'; Action = 'Created' })
        $summary.Add([StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_B'; Action = 'Skipped' })
        foreach ($id in 'cus_F1', 'cus_F2', 'cus_F3', 'cus_F4') { $summary.Add([StripeIntercom.Sync.SyncResult]@{ CustomerId = $id; Action = 'Failed' }) }
        $summary.Add([StripeIntercom.Sync.SyncResult]@{ CustomerId = 'cus_C'; Action = 'Conflict' })
        $summary.MarkStopped('Intercom was unavailable (503) after 7 customers; the next run picks up every customer not finished.', 12)
        $text = (Show-At80 $summary) -replace '\s+', ' '
        $text | Should -Match 'Customers\s*:\s*7 = 1 created \+ 0 updated \+ 0 unchanged \+ 1 skipped \+ 1 conflict \+ 4 failed'
        $text | Should -Match 'Stopped: 12'
        $text | Should -Match 'Next\s*:'
        $text | Should -Match '1 more'
        $text | Should -Match 'next run picks up'
    }

    It 'shows what is connected, never a key or token' {
        $info = Get-StripeIntercomConnection
        $info | Should -BeOfType ([StripeIntercom.Connection.ConnectionInfo])
        $info.StripeMode | Should -Be 'Test'
        $info.IntercomApiBase | Should -Be $servers.IntercomUrl
        $text = Show-At80 $info
        foreach ($label in 'Workspace', 'Region', 'IntercomApiBase', 'StripeMode', 'StripeApiBase', 'ConnectedAt') { $text | Should -Match "$label\s*:" }
        foreach ($rendering in $text, ($info | Format-List * | Out-String), ($info | Format-Table * | Out-String -Width 200), ($info | ConvertTo-Json)) {
            $rendering | Should -Not -Match ([regex]::Escape($servers.StripeKey))
            $rendering | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
        }
        $info.PSObject.Properties.Name | Should -Not -Contain 'StripeApiKey'
        $info.PSObject.Properties.Name | Should -Not -Contain 'IntercomAccessToken'
    }
}

Describe 'Pipeline manners' {
    It 'looks piped profiles up by customer id, and finds a contact the app gave its own external_id' {
        $profiles = @(Get-StripeCustomerProfile -First 2)
        $profiles | Sync-IntercomContact | Out-Null
        $contacts = @($profiles | Get-IntercomContact)
        $contacts.Attributes.stripe_customer_id | Should -Be $profiles.Id

        Invoke-FakeControl $servers.IntercomUrl POST 'contacts' @{
            role = 'user'; external_id = 'app-user-4711'; email = 'app.user@example.com'
            custom_attributes = @{ stripe_customer_id = 'cus_AppLinked0001' }
        } | Out-Null
        $linked = Get-IntercomContact cus_AppLinked0001
        $linked.ExternalId | Should -Be 'app-user-4711'
        $linked.Attributes.stripe_customer_id | Should -Be 'cus_AppLinked0001'
    }

    It 'names the customer in each -Verbose API line of a sync' {
        $profiles = @(Get-StripeCustomerProfile -First 2)
        $verbose = $profiles | Sync-IntercomContact -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        # Calls about one contact name its customer; reading the contact list serves the whole run and names none.
        $apiLines = @($verbose.Message | Where-Object { $_ -match '(GET|POST|PUT) /contacts(/\S*)? -> \d+' })
        (@($verbose.Message | Where-Object { $_ -match 'GET /contacts\?' }) -join "`n") | Should -Not -Match '(?m)^cus_'
        $apiLines.Count | Should -BeGreaterThan 0
        foreach ($line in $apiLines) { $line | Should -Match '^cus_\w+: ' }
        foreach ($profile in $profiles) { ($apiLines -join "`n") | Should -Match ('(?m)^' + [regex]::Escape($profile.Id) + ': ') }
    }

    It 'shows percent and time left when the count is known' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($ModulePath, $Servers)
                    Import-Module $ModulePath
                    Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString $Servers.StripeKey -AsPlainText -Force) `
                        -IntercomAccessToken (ConvertTo-SecureString $Servers.IntercomToken -AsPlainText -Force) `
                        -StripeApiBase $Servers.StripeUrl -IntercomApiBase $Servers.IntercomUrl -WarningAction SilentlyContinue | Out-Null
                    Get-StripeCustomerProfile -First 5 | Out-Null
                }).AddArgument((Get-TestModulePath)).AddArgument($servers)
            $shell.Invoke()
            $records = @($shell.Streams.Progress | Where-Object Activity -Like 'Reading Stripe customers*')
            $running = @($records | Where-Object RecordType -EQ 'Processing')
            $running.Count | Should -BeGreaterThan 0
            $running[0].PercentComplete | Should -BeGreaterOrEqual 0
            @($records | Where-Object RecordType -EQ 'Completed').Count | Should -Be 1
        }
        finally { $shell.Dispose() }
    }

    It 'completes -Attribute with the catalog''s names' {
        $line = 'Sync-IntercomContact -Attribute stripe_plan'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'stripe_plan_name'
        $completions | Should -Contain 'stripe_plan_interval'
        $completions | Should -Not -Contain 'stripe_mrr'
        $line = 'Invoke-StripeIntercomSync -Attribute *mrr'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'stripe_mrr'
    }

    It 'prints a short What if line for a new contact, and none on an up-to-date workspace' {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ("whatif-" + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory $folder | Out-Null
        Invoke-FakeControl $servers.IntercomUrl POST 'reset' | Out-Null
        $script = Join-Path $folder 'whatif.ps1'
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModulePath)'
Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString '$($servers.StripeKey)' -AsPlainText -Force) -IntercomAccessToken (ConvertTo-SecureString '$($servers.IntercomToken)' -AsPlainText -Force) -StripeApiBase '$($servers.StripeUrl)' -IntercomApiBase '$($servers.IntercomUrl)' -WarningAction SilentlyContinue | Out-Null
'--- new'
Get-StripeCustomerProfile -First 3 | Sync-IntercomContact -WhatIf | Out-Null
Invoke-StripeIntercomSync -WarningAction SilentlyContinue | Out-Null
'--- up to date'
Get-StripeCustomerProfile -First 3 | Sync-IntercomContact -WhatIf | Out-Null
Invoke-StripeIntercomSync -WhatIf | Out-Null
'--- end'
"@ | Set-Content $script
        try {
            $output = & dotnet pwsh -NoProfile -NonInteractive -File $script 2>&1 | ForEach-Object { "$_" }
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            $text = $output -join "`n"
            $newPart = ($text -split '--- new')[1] -split '--- up to date' | Select-Object -First 1
            $upToDate = ($text -split '--- up to date')[1] -split '--- end' | Select-Object -First 1
            $whatIfNew = @($newPart -split "`n" | Where-Object { $_ -match '^What if:' })
            $whatIfNew.Count | Should -Be 3
            foreach ($line in $whatIfNew) {
                $line | Should -Match 'Create with \d+ fields: .* and \d+ more'
                $line | Should -Not -Match ' -> '
            }
            $upToDate | Should -Not -Match 'What if:'
        }
        finally { Remove-Item $folder -Recurse -Force }
    }
}
