# The package build.ps1 made (out/StripeIntercom.<version>.nupkg, through PSResourceGet) is published to a local file
# repository, installed with Install-PSResource into a clean module path and imported by name in a fresh pwsh, which
# runs a cmdlet against the fakes. Everything runs in child processes whose home folder (HOME) is a
# temporary one: PSResourceGet's repository list and the CurrentUser module path live there, so the user's
# repositories and modules are never touched.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $out = Split-Path (Get-TestModulePath) -Parent
    $manifest = Import-PowerShellDataFile (Join-Path (Get-TestModulePath) 'StripeIntercom.psd1')
    $package = Join-Path $out "StripeIntercom.$($manifest.ModuleVersion).nupkg"
    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("si-package-" + [guid]::NewGuid().ToString('n'))
    $repository = Join-Path $work 'repository'
    # .config and .local/share must exist in the new home: .NET reports a missing one as no folder at all, and NuGet
    # (inside PSResourceGet) would then write its settings into the working directory.
    New-Item -ItemType Directory -Path $repository, (Join-Path $work '.config'), (Join-Path $work '.local/share') | Out-Null
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '3')

    function Invoke-CleanPwsh {
        <# A fresh pwsh -NoProfile whose home is $work: PSResourceGet settings and user modules go there. #>
        param([Parameter(Mandatory)] [string[]] $Lines, [Parameter(Mandatory)] [string] $Name, [string] $ModulePath = (Join-Path $work '.local/share/powershell/Modules'))
        $scriptPath = Join-Path $work "$Name.ps1"
        @('$ErrorActionPreference = ''Stop''') + $Lines | Set-Content $scriptPath
        # This very PowerShell, started by its own pwsh.dll: 'dotnet pwsh' would look for the tool under the new home.
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $scriptPath) { $start.ArgumentList.Add($argument) }
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $work
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['HOME'] = $work
        foreach ($variable in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { [void]$start.Environment.Remove($variable) }
        # Only the clean user path and PowerShell's own modules: nothing the developer has installed.
        $start.Environment['PSModulePath'] = $ModulePath + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        $start.Environment['STRIPE_SECRET_KEY'] = $servers.StripeKey
        $start.Environment['INTERCOM_ACCESS_TOKEN'] = $servers.IntercomToken
        $start.Environment['STRIPE_API_BASE'] = $servers.StripeUrl
        $start.Environment['INTERCOM_API_BASE'] = $servers.IntercomUrl
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) { $process.Kill($true) }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.GetAwaiter().GetResult(); Errors = $stderr.GetAwaiter().GetResult() }
    }

    $manifestCheck = Join-Path $work 'manifest-check'
    New-Item -ItemType Directory -Path $manifestCheck | Out-Null
    $install = Invoke-CleanPwsh -Name 'install' -Lines @(
        "Register-PSResourceRepository -Name StripeIntercomTest -Uri '$repository' -Trusted"
        "Register-PSResourceRepository -Name StripeIntercomManifestCheck -Uri '$manifestCheck' -Trusted"
        'try {'
        "    Publish-PSResource -NupkgPath '$package' -Repository StripeIntercomTest"
        "    Publish-PSResource -Path '$(Get-TestModulePath)' -Repository StripeIntercomManifestCheck"
        '    Install-PSResource -Name StripeIntercom -Repository StripeIntercomTest -Scope CurrentUser -TrustRepository -Reinstall'
        '    Get-InstalledPSResource -Name StripeIntercom -Scope CurrentUser | ForEach-Object { "INSTALLED $($_.Name) $($_.Version) $($_.InstalledLocation)" }'
        '}'
        'finally { Unregister-PSResourceRepository -Name StripeIntercomTest, StripeIntercomManifestCheck }'
    )
    $use = Invoke-CleanPwsh -Name 'use' -Lines @(
        'Import-Module StripeIntercom'
        '$module = Get-Module StripeIntercom'
        '"MODULE $($module.Version) $($module.ModuleBase)"'
        'Connect-StripeIntercom | Out-Null'
        '$profile = Get-StripeCustomerProfile -First 1'
        '"PROFILE $($profile.Id) $($profile -is [StripeIntercom.Stripe.CustomerProfile])"'
        '"HELP $((Get-Help Get-StripeCustomerProfile).Synopsis)"'
    )
}

AfterAll {
    $servers | Stop-FakeServers
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The published package' {
    It 'is a .nupkg made by the build, with the license and the dependencies inside' {
        Test-Path $package | Should -BeTrue
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'StripeIntercom.psd1'
        $entries | Should -Contain 'LICENSE'
        $entries | Should -Contain 'dependencies/Stripe.net.dll'
        $entries | Should -Contain 'en-US/StripeIntercom.PowerShell.dll-Help.xml'
    }

    It 'publishes to a local repository and installs with Install-PSResource into a clean module path' {
        $install.Errors | Should -BeNullOrEmpty
        $install.ExitCode | Should -Be 0
        $install.Output | Should -Match "INSTALLED StripeIntercom $([regex]::Escape($manifest.ModuleVersion)) $([regex]::Escape($work))"
        @(Get-ChildItem $repository -Filter '*.nupkg').Count | Should -Be 1
    }

    It 'has a manifest Publish-PSResource takes from the module folder itself' {
        @(Get-ChildItem $manifestCheck -Filter 'StripeIntercom.*.nupkg').Count | Should -Be 1
    }

    It 'imports by name in a fresh pwsh -NoProfile and runs a cmdlet' {
        $use.Errors | Should -BeNullOrEmpty -Because "installed: $($install.Output)"
        $use.ExitCode | Should -Be 0
        $use.Output | Should -Match "MODULE $([regex]::Escape($manifest.ModuleVersion)) $([regex]::Escape($work))"
        $use.Output | Should -Match 'PROFILE cus_\w+ True'
        $use.Output | Should -Match 'HELP \S+'
    }

    It 'leaves no repository registered' {
        foreach ($repositories in Get-ChildItem $work -Recurse -Filter 'PSResourceRepository.xml') {
            Get-Content $repositories.FullName -Raw | Should -Not -Match 'StripeIntercomTest|StripeIntercomManifestCheck'
        }
    }
}

Describe 'The manifest says what is tested' {
    It 'asks for PowerShell 7.6 (Core) and tags only Linux, where the tests run' {
        $built = Test-ModuleManifest (Join-Path (Get-TestModulePath) 'StripeIntercom.psd1')
        $built.PowerShellVersion | Should -Be ([version]'7.6')
        @($built.CompatiblePSEditions) | Should -Be @('Core')
        $tags = @($built.PrivateData.PSData.Tags)
        $tags | Should -Contain 'PSEdition_Core'
        $tags | Should -Contain 'Linux'
        foreach ($untested in 'PSEdition_Desktop', 'Windows', 'MacOS') { $tags | Should -Not -Contain $untested }
    }

    It 'fails a gallery package without ProjectUri or LicenseUri before building anything, naming what is missing' {
        $before = (Get-Item (Join-Path (Get-TestModulePath) 'StripeIntercom.psd1')).LastWriteTimeUtc
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot '../../build.ps1'), '-Task', 'Package', '-Gallery') {
            $start.ArgumentList.Add($argument)
        }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['ModuleProjectUri'] = 'https://example.org/stripe-intercom'
        [void]$start.Environment.Remove('ModuleLicenseUri')
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true) }
        $text = $stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult()
        $process.ExitCode | Should -Not -Be 0
        $text | Should -Match 'gallery package needs LicenseUri'
        $text | Should -Not -Match 'needs ProjectUri'
        # It stopped before the build: the laid-out module the other tests use is the one it was.
        (Get-Item (Join-Path (Get-TestModulePath) 'StripeIntercom.psd1')).LastWriteTimeUtc | Should -Be $before
    }
}

Describe 'The Azure Automation zip' {
    BeforeAll {
        $zipPath = Join-Path $out 'StripeIntercom.zip'
        $expanded = Join-Path $work 'automation-modules'
        New-Item -ItemType Directory -Path $expanded | Out-Null
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zipEntries = @()
        if (Test-Path $zipPath) {
            $zip = [System.IO.Compression.ZipFile]::OpenRead($zipPath)
            try { $zipEntries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
            Expand-Archive -Path $zipPath -DestinationPath $expanded
        }
        # pwsh puts the user's module folder first at startup (where the package test installed the module): set the
        # path in the script, so only the expanded zip (and PowerShell's own modules) can provide StripeIntercom.
        $automation = Invoke-CleanPwsh -Name 'automation' -ModulePath $expanded -Lines @(
            "`$env:PSModulePath = '$expanded' + [System.IO.Path]::PathSeparator + (Join-Path `$PSHOME 'Modules')"
            'Import-Module StripeIntercom'
            '$module = Get-Module StripeIntercom'
            '"MODULE $($module.Version) $($module.ModuleBase)"'
            'Connect-StripeIntercom | Out-Null'
            '"PROFILE $((Get-StripeCustomerProfile -First 1).Id)"'
        )
    }

    It 'is named like the module and holds the module folder at its root, manifest inside' {
        Test-Path $zipPath | Should -BeTrue
        $zipEntries | Should -Contain 'StripeIntercom/StripeIntercom.psd1'
        $zipEntries | Should -Contain 'StripeIntercom/dependencies/Stripe.net.dll'
        @($zipEntries | Where-Object { $_ -notlike 'StripeIntercom/*' }) | Should -BeNullOrEmpty
    }

    It 'expands into an empty folder that, on PSModulePath, imports by name in a fresh pwsh and runs a cmdlet' {
        @(Get-ChildItem $expanded).Name | Should -Be @('StripeIntercom')
        $automation.Errors | Should -BeNullOrEmpty
        $automation.ExitCode | Should -Be 0
        $automation.Output | Should -Match "MODULE $([regex]::Escape($manifest.ModuleVersion)) $([regex]::Escape((Join-Path $expanded 'StripeIntercom')))"
        $automation.Output | Should -Match 'PROFILE cus_\w+'
    }
}
