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

    It 'connects from a named .env file, which wins over the environment' {
        $envFile = Join-Path $TestDrive 'settings.env'
        @(
            '# the fakes'
            ''
            "export STRIPE_SECRET_KEY=$($servers.StripeKey) # inline comment"
            "INTERCOM_ACCESS_TOKEN='$($servers.IntercomToken)'"
            "STRIPE_API_BASE=`"$($servers.StripeUrl)`""
            "INTERCOM_API_BASE=$($servers.IntercomUrl)"
        ) | Set-Content $envFile
        $env:STRIPE_SECRET_KEY = 'sk_test_fromTheEnvironmentAndWrong'
        $env:INTERCOM_ACCESS_TOKEN = 'wrong-token-from-the-environment'
        try {
            $info = Connect-StripeIntercom -EnvFile $envFile -WarningVariable warnings -WarningAction SilentlyContinue
        }
        finally { Remove-Item env:STRIPE_SECRET_KEY, env:INTERCOM_ACCESS_TOKEN }
        $info.StripeApiBase | Should -Be $servers.StripeUrl
        @($warnings | Where-Object { "$_" -match 'API base is overridden' }).Count | Should -Be 2
    }

    It 'never reads ./.env implicitly: a .env holding only API bases does not redirect keys' {
        # A port nobody listens on: were the keys sent there, connecting would fail.
        $trap = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $trap.Start(); $trapPort = $trap.LocalEndpoint.Port; $trap.Stop()
        $folder = Join-Path $TestDrive 'workdir'
        New-Item -ItemType Directory $folder | Out-Null
        @("STRIPE_API_BASE=http://127.0.0.1:$trapPort/", "INTERCOM_API_BASE=http://127.0.0.1:$trapPort/") | Set-Content (Join-Path $folder '.env')
        $env:STRIPE_SECRET_KEY = $servers.StripeKey
        $env:INTERCOM_ACCESS_TOKEN = $servers.IntercomToken
        $env:STRIPE_API_BASE = $servers.StripeUrl
        $env:INTERCOM_API_BASE = $servers.IntercomUrl
        Push-Location $folder
        try {
            $info = Connect-StripeIntercom -WarningAction SilentlyContinue
            $info.StripeApiBase | Should -Be $servers.StripeUrl
            $info.IntercomApiBase | Should -Be $servers.IntercomUrl

            # Invoke-StripeIntercomSync connects by itself from the environment alone, in a fresh process.
            $child = Start-ModuleChildProcess -Servers $servers -WorkingDirectory $folder -Script @"
Set-Location '$folder'
`$summary = Invoke-StripeIntercomSync -WarningAction SilentlyContinue
Set-Content '$folder/result.txt' ("{0} {1}" -f `$summary.Succeeded, (Get-StripeCustomerProfile -First 1).Id)
"@
            $child.WaitForExit(120000) | Should -BeTrue
            $child.ExitCode | Should -Be 0
            (Get-Content (Join-Path $folder 'result.txt') -Raw) | Should -Match '^True cus_'
        }
        finally {
            Pop-Location
            Remove-Item env:STRIPE_SECRET_KEY, env:INTERCOM_ACCESS_TOKEN, env:STRIPE_API_BASE, env:INTERCOM_API_BASE
        }
    }

    It 'ignores a .env base whose key comes from the environment, and says so' {
        $envFile = Join-Path $TestDrive 'bases-only.env'
        'STRIPE_API_BASE=http://127.0.0.1:9/' | Set-Content $envFile
        $env:STRIPE_SECRET_KEY = $servers.StripeKey
        $env:INTERCOM_ACCESS_TOKEN = $servers.IntercomToken
        $env:STRIPE_API_BASE = $servers.StripeUrl
        $env:INTERCOM_API_BASE = $servers.IntercomUrl
        try {
            $info = Connect-StripeIntercom -EnvFile $envFile -WarningVariable warnings -WarningAction SilentlyContinue
        }
        finally { Remove-Item env:STRIPE_SECRET_KEY, env:INTERCOM_ACCESS_TOKEN, env:STRIPE_API_BASE, env:INTERCOM_API_BASE }
        $info.StripeApiBase | Should -Be $servers.StripeUrl
        ($warnings -join ' ') | Should -Match 'STRIPE_API_BASE in the \.env file .* is ignored'
        ($warnings -join ' ') | Should -Not -Match ([regex]::Escape($servers.StripeKey))
    }

    It 'refuses an http base for another machine before sending anything' {
        Invoke-FakeControl $servers.StripeUrl POST 'counters/reset' | Out-Null
        { Connect-StripeIntercom -StripeApiKey (ConvertTo-TestSecureString $servers.StripeKey) -StripeApiBase 'http://stripe.example.com/' `
                -IntercomAccessToken (ConvertTo-TestSecureString $servers.IntercomToken) -IntercomApiBase $servers.IntercomUrl } |
            Should -Throw -ErrorId 'InvalidConnectionSettings,*' -ExpectedMessage '*https*'
        $env:INTERCOM_ACCESS_TOKEN = $servers.IntercomToken
        $env:INTERCOM_API_BASE = 'http://intercom.example.com/'
        $env:STRIPE_SECRET_KEY = $servers.StripeKey
        try {
            $failure = $null
            try { Invoke-StripeIntercomSync } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidConnectionSettings,*'
            ($failure | Format-List * -Force | Out-String) | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
        }
        finally { Remove-Item env:INTERCOM_ACCESS_TOKEN, env:INTERCOM_API_BASE, env:STRIPE_SECRET_KEY }
        (Invoke-FakeControl $servers.StripeUrl GET 'counters').total | Should -Be 0
    }

    It 'names a malformed .env line by number without showing it' {
        $envFile = Join-Path $TestDrive 'broken.env'
        @('STRIPE_SECRET_KEY=sk_test_fine', 'sk_live_pastedOnItsOwnLine') | Set-Content $envFile
        $failure = $null
        try { Connect-StripeIntercom -EnvFile $envFile } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidConnectionSettings,*'
        $failure.Exception.Message | Should -Match 'Line 2'
        ($failure | Format-List * -Force | Out-String) | Should -Not -Match 'pastedOnItsOwnLine'
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
