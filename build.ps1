#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, benchmarks and demonstrates the StripeIntercom module.
.DESCRIPTION
    One entry point for every task. Run it through the PowerShell pinned as a local dotnet tool:

        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Test

    Build lays out a module folder under out/StripeIntercom that Import-Module takes as it is.
.PARAMETER Task
    Clean, Build, Test, Bench, Demo or Package. Test, Bench, Demo and Package build first; Package writes
    out/StripeIntercom.<version>.nupkg through PSResourceGet and out/StripeIntercom.zip for Azure Automation (the zip's
    root holds the folder StripeIntercom/ with the manifest inside), and Test packs too, so its tests can install them.
.PARAMETER Gallery
    With -Task Package: the package is for a public gallery (PowerShell Gallery or any feed others browse), so the
    manifest must carry ProjectUri and LicenseUri. The task fails before building when ModuleProjectUri or
    ModuleLicenseUri is empty (Directory.Build.props or an environment variable of that name). Without -Gallery the
    package is a local one (a folder repository, Azure Automation, a private feed) and may leave them out; the task
    says so.
.PARAMETER Configuration
    The dotnet build configuration. Release by default.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Bench', 'Demo', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [switch] $Gallery
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'StripeIntercom'
$fakesOut = Join-Path $out 'fakes'
$probesOut = Join-Path $out 'isolation'
$testResults = Join-Path $out 'test-results'

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Invoke-Dotnet @('clean', (Join-Path $root 'StripeIntercom.sln'), '-c', $Configuration, '--nologo', '--verbosity', 'quiet')
}

function Get-BuildProperty {
    <# A property of Directory.Build.props; an environment variable of the same name wins, as in MSBuild. #>
    param([Parameter(Mandatory)] [string] $Name)
    $fromEnvironment = [Environment]::GetEnvironmentVariable($Name)
    if ($fromEnvironment) { return $fromEnvironment }
    $props = [xml](Get-Content (Join-Path $root 'Directory.Build.props') -Raw)
    $values = @($props.Project.PropertyGroup | ForEach-Object { $_.$Name } | Where-Object { $_ -is [string] -and $_.Trim() })
    if ($values.Count) { return $values[0].Trim() }
    return $null
}

function Get-ModuleVersion { Get-BuildProperty 'Version' }

function New-ModuleManifestText {
    <# The source manifest with the version and, when set, ProjectUri, LicenseUri and ReleaseNotes filled in. #>
    $manifest = Get-Content (Join-Path $root 'module/StripeIntercom.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$(Get-ModuleVersion)'"
    $psData = foreach ($key in 'ProjectUri', 'LicenseUri', 'ReleaseNotes') {
        $value = Get-BuildProperty "Module$key"
        if ($value) { "            $key = '$($value -replace "'", "''")'" }
    }
    # The marker line goes either way: a published manifest carries no empty keys and no build notes.
    $manifest -replace '(?m)^[ \t]*# BUILD:.*\r?\n', (($psData | ForEach-Object { "$_`n" }) -join '')
}

function Invoke-Build {
    $publish = Join-Path $out 'publish'
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }

    Invoke-Dotnet @('build', (Join-Path $root 'StripeIntercom.sln'), '-c', $Configuration, '--nologo', '--verbosity', 'quiet')
    Invoke-Dotnet @('publish', (Join-Path $root 'src/StripeIntercom.PowerShell'), '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', $publish)
    Invoke-Dotnet @('publish', (Join-Path $root 'src/StripeIntercom.LoadContext'), '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', $publish)
    Invoke-Dotnet @('publish', (Join-Path $root 'tests/StripeIntercom.Fakes'), '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', $fakesOut)
    # Two small modules that share the module's dependencies at other versions, for the isolation test.
    foreach ($probe in 'Older', 'Newer') {
        Invoke-Dotnet @('publish', (Join-Path $root "tests/IsolationProbe/$probe"), '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', (Join-Path $probesOut $probe.ToLowerInvariant()))
    }

    # Our own assemblies sit beside the manifest, every third-party assembly under dependencies/. On PowerShell 7
    # StripeIntercom.psm1 loads all of them into one private load context (StripeIntercom.LoadContext.dll), so they
    # cannot clash with what the host or other modules loaded; on Windows PowerShell the initializer resolves them.
    $own = 'StripeIntercom.PowerShell.dll', 'StripeIntercom.dll', 'StripeIntercom.LoadContext.dll'
    $dependencies = Join-Path $moduleOut 'dependencies'
    New-Item -ItemType Directory -Path $dependencies -Force | Out-Null
    foreach ($file in Get-ChildItem $publish -Filter '*.dll') {
        if ($file.Name -eq 'System.Management.Automation.dll') { continue }
        $target = if ($own -contains $file.Name) { $moduleOut } else { $dependencies }
        Copy-Item $file.FullName $target
    }

    $version = Get-ModuleVersion
    Set-Content (Join-Path $moduleOut 'StripeIntercom.psd1') (New-ModuleManifestText) -NoNewline
    Copy-Item (Join-Path $root 'module/StripeIntercom.format.ps1xml') $moduleOut
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut
    Copy-Item (Join-Path $root 'module/StripeIntercom.psm1') $moduleOut

    $helpOut = Join-Path $moduleOut 'en-US'
    New-Item -ItemType Directory -Path $helpOut -Force | Out-Null
    # A child process: producing the help imports the module, and this session should not hold its types.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/ConvertTo-MamlHelp.ps1') -ModulePath $moduleOut `
        -SourcePath (Join-Path $root 'module/help') -OutputPath (Join-Path $helpOut 'StripeIntercom.PowerShell.dll-Help.xml')
    if ($LASTEXITCODE -ne 0) { throw 'Building the help failed.' }
    Copy-Item (Join-Path $root 'module/help/about_StripeIntercom.help.txt') $helpOut

    Write-Host "Module laid out in $moduleOut (version $version)."
}

function Get-PesterModulePath {
    $pesterProject = Join-Path $root 'tests/tools/Pester.proj'
    Invoke-Dotnet @('restore', $pesterProject, '--nologo', '--verbosity', 'quiet')
    $props = [xml](Get-Content (Join-Path $root 'Directory.Packages.props') -Raw)
    $version = @($props.Project.PropertyGroup.PesterVersion | Where-Object { $_ })[0]
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packages.Trim() "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $version was restored but $path is missing." }
    return $path
}

function Install-ContractProxy {
    # Prism checks the tests' Intercom traffic against Intercom's published API description.
    $contract = Join-Path $root 'tests/contract'
    if (Test-Path (Join-Path $contract 'node_modules/@stoplight/prism-cli')) { return }
    Push-Location $contract
    try {
        & npm ci --no-audit --no-fund --loglevel=error
        if ($LASTEXITCODE -ne 0) { throw "npm ci in tests/contract failed with exit code $LASTEXITCODE." }
    }
    finally { Pop-Location }
}

function Test-CodeStyle {
    <#
    The .editorconfig stays applied: dotnet format changes nothing, and no C# line is over max_line_length (which
    dotnet format does not check). Either is a failure, counted as one failed test.
    #>
    & dotnet format (Join-Path $root 'StripeIntercom.sln') --verify-no-changes --no-restore
    $formatExit = $LASTEXITCODE
    $limit = 120
    $long = @(Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests') -Recurse -Filter *.cs |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } |
        Select-String -Pattern "^.{$($limit + 1),}" |
        ForEach-Object { "$([IO.Path]::GetRelativePath($root, $_.Path)):$($_.LineNumber) is $($_.Line.Length) characters" })
    $long | Select-Object -First 20 | ForEach-Object { Write-Host $_ }
    if ($long.Count) { Write-Host "$($long.Count) C# lines are over $limit characters (.editorconfig max_line_length)." }
    if ($formatExit -ne 0) { Write-Host 'dotnet format found code the .editorconfig would change: run dotnet format StripeIntercom.sln.' }
    return ($formatExit -eq 0 -and $long.Count -eq 0)
}

function Invoke-Test {
    $styleApplied = Test-CodeStyle
    Install-ContractProxy
    New-Item -ItemType Directory -Path $testResults -Force | Out-Null
    Get-ChildItem $testResults -File | Remove-Item -Force

    $xunitTrx = Join-Path $testResults 'xunit.trx'
    & dotnet test (Join-Path $root 'tests/StripeIntercom.Tests') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=$xunitTrx" --logger 'console;verbosity=detailed' --results-directory $testResults
    $xunitExit = $LASTEXITCODE
    $xunit = @{ Passed = 0; Failed = 0 }
    if (Test-Path $xunitTrx) {
        $counters = ([xml](Get-Content $xunitTrx -Raw)).TestRun.ResultSummary.Counters
        $xunit.Passed = [int]$counters.passed
        $xunit.Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $xunit.Failed = 1 }

    $pesterSummary = Join-Path $testResults 'pester.json'
    $pesterModule = Get-PesterModulePath
    # A child process, so the tests load the laid-out module and not types this session already holds.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/module/Invoke-ModuleTests.ps1') `
        -PesterModule $pesterModule -ModulePath $moduleOut -FakesPath $fakesOut -SummaryPath $pesterSummary
    $pesterExit = $LASTEXITCODE
    $pester = @{ Passed = 0; Failed = 0 }
    if (Test-Path $pesterSummary) {
        $counts = Get-Content $pesterSummary -Raw | ConvertFrom-Json
        $pester.Passed = [int]$counts.Passed
        $pester.Failed = [int]$counts.Failed
    }
    if ($pesterExit -ne 0 -and $pester.Failed -eq 0) { $pester.Failed = 1 }

    $style = @{ Passed = [int]$styleApplied; Failed = [int](-not $styleApplied) }
    $passed = $xunit.Passed + $pester.Passed + $style.Passed
    $failed = $xunit.Failed + $pester.Failed + $style.Failed
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed; code style: $(if ($styleApplied) { 'applied' } else { 'not applied (1 failed)' })"
    Write-Host "Tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or ($passed -eq 0)) { exit 1 }
}

function Invoke-Bench {
    & dotnet run --project (Join-Path $root 'tests/StripeIntercom.Benchmarks') -c $Configuration --nologo -- --fakes (Join-Path $root 'out/fakes') @args
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Demo {
    & dotnet pwsh -NoProfile -File (Join-Path $root 'tools/Start-Demo.ps1') -ModulePath $moduleOut -FakesPath $fakesOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Assert-PackageMetadata {
    <# A gallery package names its project and license; a local one may leave them out, and says so. #>
    $missing = @(foreach ($key in 'ProjectUri', 'LicenseUri') { if (-not (Get-BuildProperty "Module$key")) { $key } })
    if (-not $missing.Count) { return }
    $settings = ($missing | ForEach-Object { "Module$_" }) -join ' and '
    if ($Gallery) {
        throw "A gallery package needs $($missing -join ' and ') in its manifest: set $settings in Directory.Build.props (or as environment variables) and run the Package task again."
    }
    Write-Host "Local package: the manifest has no $($missing -join ' or ') ($settings empty). Fine for a folder repository or Azure Automation; a gallery publish needs them (-Gallery checks)."
}

function Invoke-AutomationZip {
    <# out/StripeIntercom.zip as Azure Automation imports a module: named like the module, the module folder at its root. #>
    $zip = Join-Path $out 'StripeIntercom.zip'
    if (Test-Path $zip) { Remove-Item $zip }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    # includeBaseDirectory: every entry starts with StripeIntercom/ (forward slashes on every platform in .NET Core).
    [System.IO.Compression.ZipFile]::CreateFromDirectory($moduleOut, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)
    Write-Host "Packaged $zip (Azure Automation: Modules > Add a module > this file)"
}

function Invoke-Package {
    <# The .nupkg a PowerShell repository takes, made by PSResourceGet (in the box with PowerShell 7.4 and later). #>
    $version = Get-ModuleVersion
    $package = Join-Path $out "StripeIntercom.$version.nupkg"
    if (Test-Path $package) { Remove-Item $package }
    # A child process whose home is under out/, so PSResourceGet never touches the user's repositories or modules;
    # started by this PowerShell's own pwsh.dll, since 'dotnet pwsh' would look for the tool under that home.
    # Its .config and .local/share exist: .NET reports a missing one as no folder at all, and NuGet (inside
    # PSResourceGet) would then write its settings into the working directory.
    $psResourceHome = Join-Path $out 'psresourceget-home'
    foreach ($folder in '.config', '.local/share') { New-Item -ItemType Directory -Path (Join-Path $psResourceHome $folder) -Force | Out-Null }
    $savedHome = $env:HOME
    Push-Location $psResourceHome
    try {
        $env:HOME = $psResourceHome
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; Compress-PSResource -Path '$moduleOut' -DestinationPath '$out'"
        if ($LASTEXITCODE -ne 0) { throw "Compress-PSResource failed with exit code $LASTEXITCODE." }
    }
    finally {
        $env:HOME = $savedHome
        Pop-Location
    }
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
    Write-Host "Packaged $package"
    Invoke-AutomationZip
}

# Checked before building, so a gallery package that would lack its links fails at once.
if ($Task -eq 'Package') { Assert-PackageMetadata }
elseif ($Gallery) { throw '-Gallery goes with -Task Package.' }

switch ($Task) {
    'Clean' { Invoke-Clean }
    'Build' { Invoke-Build }
    'Test' { Invoke-Build; Invoke-Package; Invoke-Test }
    'Bench' { Invoke-Build; Invoke-Bench }
    'Demo' { Invoke-Build; Invoke-Demo }
    'Package' { Invoke-Build; Invoke-Package }
}
