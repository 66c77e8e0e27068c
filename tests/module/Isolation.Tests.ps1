# Another module carrying StripeIntercom's dependencies at other versions (an older Polly.Core and
# Microsoft.Extensions.Logging.Abstractions, or a newer Polly.Core with the same Logging version from its own folder)
# is imported before and after StripeIntercom in a fresh pwsh; both must keep working, each on its own copies.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '5')
    $probes = Join-Path (Split-Path (Get-TestModulePath) -Parent) 'isolation'
    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("si-isolation-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $work | Out-Null

    function Start-IsolationChild {
        param([string] $Probe, [string] $Order)
        $probeDll = Join-Path $probes "$($Probe.ToLowerInvariant())/IsolationProbe.$Probe.dll"
        $probeSteps = @(
            "Import-Module '$probeDll'"
            '$record.Probe += @(Test-IsolationProbe)'
        )
        $moduleSteps = @(
            "Import-Module '$(Get-TestModulePath)'"
            'Connect-StripeIntercom | Out-Null'
            '$verbose = @(Get-StripeCustomerProfile -First 1 -Verbose 4>&1)'
            '$record.Profiles += @($verbose | Where-Object { $_ -is [StripeIntercom.Stripe.CustomerProfile] }).Count'
            '$record.VerboseLines += @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count'
        )
        $steps = if ($Order -eq 'ProbeFirst') { $probeSteps + $moduleSteps + $probeSteps } else { $moduleSteps + $probeSteps + $moduleSteps }
        $script = @(
            '$ErrorActionPreference = ''Stop'''
            '$record = @{ Probe = @(); Profiles = @(); VerboseLines = @(); Assemblies = @() }'
        ) + $steps + @(
            '$record.Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in ''Polly.Core'', ''Microsoft.Extensions.Logging.Abstractions'' } | ForEach-Object { @{ Name = $_.GetName().Name; Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name; Path = $_.Location } })'
            '$record | ConvertTo-Json -Depth 5 -Compress'
        )
        $scriptPath = Join-Path $work "$Probe-$Order.ps1"
        $script | Set-Content $scriptPath
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in 'pwsh', '-NoProfile', '-NonInteractive', '-File', $scriptPath) { $start.ArgumentList.Add($argument) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['STRIPE_SECRET_KEY'] = $servers.StripeKey
        $start.Environment['INTERCOM_ACCESS_TOKEN'] = $servers.IntercomToken
        $start.Environment['STRIPE_API_BASE'] = $servers.StripeUrl
        $start.Environment['INTERCOM_API_BASE'] = $servers.IntercomUrl
        $process = [System.Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Name = "$Probe-$Order"; Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }

    # The four runs go at once: each is a fresh pwsh that spends most of its time starting.
    $children = foreach ($probe in 'Older', 'Newer') { foreach ($order in 'ProbeFirst', 'ModuleFirst') { Start-IsolationChild $probe $order } }
    $runs = @{}
    foreach ($child in $children) {
        if (-not $child.Process.WaitForExit(120000)) { $child.Process.Kill($true) }
        $stdout = $child.Output.GetAwaiter().GetResult()
        $json = @($stdout -split "`n" | Where-Object { $_.TrimStart().StartsWith('{') }) | Select-Object -Last 1
        $runs[$child.Name] = [pscustomobject]@{
            ExitCode = $child.Process.ExitCode
            Errors   = $child.Errors.GetAwaiter().GetResult()
            Record   = if ($json) { $json | ConvertFrom-Json } else { $null }
        }
    }
    $moduleDependencies = Join-Path (Get-TestModulePath) 'dependencies'
}

AfterAll {
    $servers | Stop-FakeServers
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Dependency isolation with <Probe> Polly.Core and Logging.Abstractions loaded <Order>' -ForEach @(
    @{ Probe = 'Older'; Order = 'ProbeFirst'; PollyVersion = '8.4.2'; LoggingVersion = '8.0.0' }
    @{ Probe = 'Older'; Order = 'ModuleFirst'; PollyVersion = '8.4.2'; LoggingVersion = '8.0.0' }
    @{ Probe = 'Newer'; Order = 'ProbeFirst'; PollyVersion = '8.9.1'; LoggingVersion = '11.0.0' }
    @{ Probe = 'Newer'; Order = 'ModuleFirst'; PollyVersion = '8.9.1'; LoggingVersion = '11.0.0' }
) {
    BeforeAll {
        $run = $runs["$Probe-$Order"]
        $probeFolder = Join-Path $probes $Probe.ToLowerInvariant()
    }

    It 'runs both modules to the end' {
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Record | Should -Not -BeNullOrEmpty
    }

    It 'keeps the other module working on its own copies, before and after StripeIntercom' {
        $run.Record.Probe.Count | Should -BeGreaterOrEqual 1
        foreach ($probe in $run.Record.Probe) {
            $probe.Value | Should -Be 42
            $probe.Attempts | Should -Be 2
            Split-Path $probe.PollyPath -Parent | Should -Be $probeFolder
            Split-Path $probe.LoggingPath -Parent | Should -Be $probeFolder
            $probe.PollyVersion | Should -BeLike "$PollyVersion*"
            $probe.LoggingVersion | Should -BeLike "$LoggingVersion*"
            $probe.PollyContext | Should -Be 'Default'
        }
    }

    It 'keeps StripeIntercom working, its logging reaching the verbose stream' {
        $run.Record.Profiles | Should -Not -Contain 0
        $run.Record.Profiles.Count | Should -BeGreaterOrEqual 1
        $run.Record.VerboseLines | Should -Not -Contain 0
    }

    It 'loads StripeIntercom''s copies into its private load context only' {
        foreach ($name in 'Polly.Core', 'Microsoft.Extensions.Logging.Abstractions') {
            $ours = @($run.Record.Assemblies | Where-Object { $_.Name -eq $name -and $_.Context -eq 'StripeIntercom' })
            $ours.Count | Should -Be 1 -Because "StripeIntercom's $name is loaded once, privately"
            Split-Path $ours[0].Path -Parent | Should -Be $moduleDependencies
            $theirs = @($run.Record.Assemblies | Where-Object { $_.Name -eq $name -and $_.Context -eq 'Default' })
            $theirs.Count | Should -Be 1
            Split-Path $theirs[0].Path -Parent | Should -Be $probeFolder
        }
    }
}
