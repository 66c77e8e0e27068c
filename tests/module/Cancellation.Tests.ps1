BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '200', '--stripe-rps', '0', '--intercom-latency-ms', '50')
}

AfterAll {
    $servers | Stop-FakeServers
}

Describe 'Stopping a sync (Ctrl+C)' {
    It 'stops promptly, reports the customers it finished and leaves no contact half-written' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        $null = $shell.AddScript({
                param($ModulePath, $Servers)
                Import-Module $ModulePath
                Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString $Servers.StripeKey -AsPlainText -Force) `
                    -IntercomAccessToken (ConvertTo-SecureString $Servers.IntercomToken -AsPlainText -Force) `
                    -StripeApiBase $Servers.StripeUrl -IntercomApiBase $Servers.IntercomUrl | Out-Null
                Get-StripeCustomerProfile | Sync-IntercomContact -ThrottleLimit 4
            }).AddArgument((Get-TestModulePath)).AddArgument($servers)
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $async = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)

        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($output.Count -lt 20 -and [DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted) { Start-Sleep -Milliseconds 50 }
        $async.IsCompleted | Should -BeFalse -Because 'the sync must still be running when it is stopped'

        $stopping = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $stopping.Stop()
        $stopping.Elapsed.TotalSeconds | Should -BeLessThan 10
        $shell.InvocationStateInfo.State | Should -Be 'Stopped'

        $reported = @($output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
        $reported.Count | Should -BeGreaterOrEqual 20
        $contacts = @((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data)
        $contacts.Count | Should -BeLessThan 190
        foreach ($result in $reported) { $contacts.external_id | Should -Contain $result.CustomerId }
        foreach ($contact in $contacts) {
            $contact.custom_attributes.stripe_customer_id | Should -Be $contact.external_id
            $contact.custom_attributes.PSObject.Properties.Name | Should -Contain 'stripe_subscription_status'
        }
        $shell.Dispose()
        $runspace.Dispose()
    }
}
