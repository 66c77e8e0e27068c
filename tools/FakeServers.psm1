# Starts and stops the standalone fake Stripe and Intercom servers (tests/StripeIntercom.Fakes) for the
# Pester tests and the demo. The fakes run until their standard input closes, so a crashed caller never
# leaves them behind.

function Start-FakeServers {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FakesPath,
        [string[]] $Arguments = @()
    )

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add((Join-Path $FakesPath 'StripeIntercom.Fakes.dll'))
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)

    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait([TimeSpan]::FromSeconds(60)) -or -not $read.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw 'The fake servers did not start within 60 seconds.'
    }
    $endpoints = $read.Result | ConvertFrom-Json
    [pscustomobject]@{
        Process       = $process
        StripeUrl     = $endpoints.stripe
        IntercomUrl   = $endpoints.intercom
        StripeKey     = $endpoints.stripeKey
        IntercomToken = $endpoints.intercomToken
        AppWorkspace  = $endpoints.appWorkspace
    }
}

function Stop-FakeServers {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Servers)
    process {
        $process = $Servers.Process
        if ($process.HasExited) { return }
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(10000)) { $process.Kill() }
    }
}

function Invoke-FakeControl {
    <# Calls a fake's /__control endpoint: Invoke-FakeControl $servers.StripeUrl GET counters #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $BaseUrl,
        [Parameter(Mandatory)] [string] $Method,
        [Parameter(Mandatory)] [string] $Path,
        $Body
    )
    $uri = $BaseUrl.TrimEnd('/') + '/__control/' + $Path.TrimStart('/')
    $parameters = @{ Uri = $uri; Method = $Method }
    if ($null -ne $Body) {
        $parameters.Body = ($Body | ConvertTo-Json -Depth 10)
        $parameters.ContentType = 'application/json'
    }
    Invoke-RestMethod @parameters
}

Export-ModuleMember -Function Start-FakeServers, Stop-FakeServers, Invoke-FakeControl
