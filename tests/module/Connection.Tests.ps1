BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '20')
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Connect-StripeIntercom' {
    BeforeEach {
        Disconnect-StripeIntercom
        foreach ($name in 'STRIPE_SECRET_KEY', 'INTERCOM_ACCESS_TOKEN', 'STRIPE_API_BASE', 'INTERCOM_API_BASE', 'INTERCOM_REGION') {
            Remove-Item "env:$name" -ErrorAction SilentlyContinue
        }
    }

    It 'connects with secure strings and reports where, never with what' {
        $info = Connect-TestFakes $servers
        $info | Should -BeOfType ([StripeIntercom.Connection.ConnectionInfo])
        $info.StripeMode | Should -Be 'Test'
        $info.IntercomApiBase | Should -Be $servers.IntercomUrl
        ($info | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($servers.StripeKey))
    }

    It 'connects from the environment' {
        $env:STRIPE_SECRET_KEY = $servers.StripeKey
        $env:INTERCOM_ACCESS_TOKEN = $servers.IntercomToken
        $env:STRIPE_API_BASE = $servers.StripeUrl
        $env:INTERCOM_API_BASE = $servers.IntercomUrl
        try {
            { Connect-StripeIntercom } | Should -Not -Throw
            Get-StripeCustomerProfile -First 1 | Should -Not -BeNullOrEmpty
        }
        finally {
            Remove-Item env:STRIPE_SECRET_KEY, env:INTERCOM_ACCESS_TOKEN, env:STRIPE_API_BASE, env:INTERCOM_API_BASE
        }
    }

    It 'connects from a .env file' {
        $envFile = Join-Path $TestDrive 'settings.env'
        @(
            "STRIPE_SECRET_KEY=$($servers.StripeKey)"
            "INTERCOM_ACCESS_TOKEN='$($servers.IntercomToken)'"
            "STRIPE_API_BASE=$($servers.StripeUrl)"
            "INTERCOM_API_BASE=$($servers.IntercomUrl)"
        ) | Set-Content $envFile
        { Connect-StripeIntercom -EnvFile $envFile } | Should -Not -Throw
    }

    It 'names the rejected Stripe key in one error, without echoing it, and does not retry' {
        $wrongKey = 'sk_test_WRONGkey1234567890'
        Invoke-FakeControl $servers.StripeUrl POST 'counters/reset' | Out-Null
        $verbose = $null
        $failure = $null
        try {
            Connect-StripeIntercom -StripeApiKey (ConvertTo-TestSecureString $wrongKey) -IntercomAccessToken (ConvertTo-TestSecureString $servers.IntercomToken) `
                -StripeApiBase $servers.StripeUrl -IntercomApiBase $servers.IntercomUrl -Verbose 4>&1 | Tee-Object -Variable verbose | Out-Null
        }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed.Stripe,*'
        $failure.Exception.Message | Should -Match 'Stripe rejected the secret key'
        $everything = ($failure | Format-List * -Force | Out-String) + ($failure.Exception | Format-List * -Force | Out-String) + ($verbose | Out-String)
        $everything | Should -Not -Match 'WRONGkey'
        (Invoke-FakeControl $servers.StripeUrl GET 'counters').total | Should -Be 1
    }

    It 'names the rejected Intercom token' {
        { Connect-StripeIntercom -StripeApiKey (ConvertTo-TestSecureString $servers.StripeKey) -IntercomAccessToken (ConvertTo-TestSecureString 'bad-token-value') `
                -StripeApiBase $servers.StripeUrl -IntercomApiBase $servers.IntercomUrl } |
            Should -Throw -ErrorId 'ConnectionFailed.Intercom,*' -ExpectedMessage '*Intercom rejected the access token*'
    }

    It 'says which credential is missing' {
        { Connect-StripeIntercom -IntercomAccessToken (ConvertTo-TestSecureString 'x') -IntercomApiBase $servers.IntercomUrl } |
            Should -Throw -ExpectedMessage '*No Stripe secret key*STRIPE_SECRET_KEY*'
    }

    It 'is required by the cmdlets that need it' {
        { Get-StripeCustomerProfile -First 1 } | Should -Throw -ErrorId 'NotConnected,*'
    }
}
