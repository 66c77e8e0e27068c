# -WriteMode: one parameter on the four syncing cmdlets, bound by PowerShell, and the same WriteMode key in a
# settings file, read by the library's reader.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '5', '--search-lag-seconds', '0')
    Connect-TestFakes $servers | Out-Null
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe '-WriteMode' {
    It 'is on <_>, a ContactWriteMode that defaults to Auto' -ForEach @(
        'Invoke-StripeIntercomSync', 'Sync-IntercomContact', 'Receive-StripeWebhook', 'Start-StripeWebhookListener'
    ) {
        $parameter = (Get-Command $_).Parameters['WriteMode']
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType | Should -Be ([StripeIntercom.Sync.ContactWriteMode])
        [string](Get-Help $_ -Parameter WriteMode).defaultValue | Should -Be 'Auto'
    }

    It 'refuses a value it does not know at parameter binding, naming what it accepts' {
        { Invoke-StripeIntercomSync -WriteMode Fast -WhatIf } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,StripeIntercom.PowerShell.Commands.InvokeStripeIntercomSyncCommand' -ExpectedMessage '*Auto*Bulk*PerContact*'
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
    }

    It 'takes a value in any case' {
        $summary = Invoke-StripeIntercomSync -WriteMode percontact -WhatIf
        $summary.Succeeded | Should -BeTrue
    }

    It 'is read from a .psd1 settings file as WriteMode' {
        $map = Join-Path $TestDrive 'bulk.psd1'
        "@{ WriteMode = 'Bulk' }" | Set-Content $map
        $summary = Invoke-StripeIntercomSync -AttributeMap $map -WhatIf
        $summary.Succeeded | Should -BeTrue
        $summary.Customers | Should -Be 5
        (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes | Should -Be 0
    }

    It 'stops <_> on a bad WriteMode in a settings file, naming the key and the file' -ForEach @(
        'Invoke-StripeIntercomSync', 'Sync-IntercomContact'
    ) {
        $map = Join-Path $TestDrive 'fast.psd1'
        "@{ WriteMode = 'Fast' }" | Set-Content $map
        $command = $_
        $run = if ($command -eq 'Sync-IntercomContact') { { Get-StripeCustomerProfile -First 1 | Sync-IntercomContact -AttributeMap $map -WhatIf } }
        else { { Invoke-StripeIntercomSync -AttributeMap $map -WhatIf } }
        $run | Should -Throw -ErrorId "InvalidAttributeMap,StripeIntercom.PowerShell.Commands.$($command -replace '-', '')Command" -ExpectedMessage "*'WriteMode' in the settings file*fast.psd1*"
    }

    It 'is described in the help of Invoke-StripeIntercomSync, with a bulk example' {
        $help = Get-Help Invoke-StripeIntercomSync -Parameter WriteMode
        ($help.description | Out-String) | Should -Match 'PerContact'
        ($help.description | Out-String) | Should -Match 'Accepted values: Auto, Bulk, PerContact'
        (Get-Help Invoke-StripeIntercomSync -Examples | Out-String) | Should -Match 'Invoke-StripeIntercomSync -WriteMode Bulk'
    }
}
