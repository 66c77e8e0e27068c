<#
.SYNOPSIS
    Runs the Pester tests against the laid-out module, in this fresh process, and writes the counts.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $FakesPath,
    [Parameter(Mandatory)] [string] $SummaryPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force

# The test files read these to find what they test.
$env:STRIPEINTERCOM_TEST_MODULE = $ModulePath
$env:STRIPEINTERCOM_TEST_FAKES = $FakesPath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content $SummaryPath
if ($result.Result -ne 'Passed') { exit 1 }
