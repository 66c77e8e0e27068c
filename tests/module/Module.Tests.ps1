BeforeDiscovery {
    Import-Module $env:STRIPEINTERCOM_TEST_MODULE -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Get-TestModulePath) -PassThru -Force
}

Describe 'The laid-out module' {
    It 'imports from out/ and exports its cmdlets' {
        $module.Version | Should -Not -Be ([version]'0.0.0')
        $names = (Get-Command -Module StripeIntercom).Name
        $names | Should -Contain 'Connect-StripeIntercom'
        $names | Should -Contain 'Get-StripeCustomerProfile'
    }

    It 'keeps third-party assemblies under dependencies/' {
        $folder = Get-TestModulePath
        Test-Path (Join-Path $folder 'dependencies/Stripe.net.dll') | Should -BeTrue
        Test-Path (Join-Path $folder 'Stripe.net.dll') | Should -BeFalse
    }
}

Describe 'Help for <_>' -ForEach @(Get-Command -Module StripeIntercom -CommandType Cmdlet | ForEach-Object Name) {
    BeforeAll {
        $help = Get-Help $_ -Full
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $_).Parameters.Keys | Where-Object { $common -notcontains $_ }
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*Connect-StripeIntercom\s*\['
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) { $example.Code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        foreach ($name in $parameters) {
            $parameter = $help.Parameters.Parameter | Where-Object Name -EQ $name
            $parameter | Should -Not -BeNullOrEmpty -Because "-$name should be in the help"
            ($parameter.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name should be described"
        }
    }
}
