# What the module tests share: where the laid-out module and the fakes are, and how to reach the fakes.
Import-Module (Join-Path $PSScriptRoot '../../tools/FakeServers.psm1') -Force

function Get-TestModulePath { $env:STRIPEINTERCOM_TEST_MODULE }
function Get-TestFakesPath { $env:STRIPEINTERCOM_TEST_FAKES }

function ConvertTo-TestSecureString {
    param([Parameter(Mandatory)] [string] $Value)
    ConvertTo-SecureString $Value -AsPlainText -Force
}

function Connect-TestFakes {
    param([Parameter(Mandatory)] $Servers)
    Connect-StripeIntercom -StripeApiKey (ConvertTo-TestSecureString $Servers.StripeKey) `
        -IntercomAccessToken (ConvertTo-TestSecureString $Servers.IntercomToken) `
        -StripeApiBase $Servers.StripeUrl -IntercomApiBase $Servers.IntercomUrl
}

Export-ModuleMember -Function Get-TestModulePath, Get-TestFakesPath, ConvertTo-TestSecureString, Connect-TestFakes, Start-FakeServers, Stop-FakeServers, Invoke-FakeControl
