# Loads the module's cmdlet assembly and imports its cmdlets.
#
# PowerShell 7: the cmdlets, the library and every third-party assembly under dependencies/ load into one private
# AssemblyLoadContext (StripeIntercom.LoadContext.dll), so this module never binds to another module's copy of
# Polly, Microsoft.Extensions.Logging or System.Text.Json, older or newer, nor lends its own. PowerShell resolves type
# literals only in the default context, so the module's public types are registered as type accelerators under their
# full names ([StripeIntercom.Sync.SyncResult] keeps working in scripts) and removed again with the module.
#
# Windows PowerShell 5.1 is not supported (the manifest refuses it; the module has no dependency resolver for it).

$cmdletAssemblyName = 'StripeIntercom.PowerShell'

function Remove-StaleCmdletModule {
    # A re-import (Import-Module -Force) would otherwise find the previous nested cmdlet module still registered and
    # export nothing.
    Get-Module -All |
        Where-Object { $_.ImplementingAssembly -and $_.ImplementingAssembly.GetName().Name -eq $cmdletAssemblyName } |
        Remove-Module -Force
}

if ($PSEdition -eq 'Core') {
    $null = [System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'StripeIntercom.LoadContext.dll'))
    $context = [StripeIntercom.LoadContext.DependencyLoadContext]::For($PSScriptRoot)
    $cmdletAssembly = [StripeIntercom.LoadContext.DependencyLoadContext]::LoadModule($PSScriptRoot, $cmdletAssemblyName)
    $library = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('StripeIntercom'))

    $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
    $registered = [System.Collections.Generic.List[string]]::new()
    foreach ($type in @($library.GetExportedTypes()) + @($cmdletAssembly.GetExportedTypes())) {
        if ($type.IsGenericTypeDefinition) { continue }
        $existing = $accelerators::Get[$type.FullName]
        if ($existing -and $existing -ne $type) { [void]$accelerators::Remove($type.FullName) }
        if ($existing -ne $type) {
            $accelerators::Add($type.FullName, $type)
            $registered.Add($type.FullName)
        }
    }
    $ExecutionContext.SessionState.Module.OnRemove = {
        foreach ($name in $registered) { [void]$accelerators::Remove($name) }
    }.GetNewClosure()

    Remove-StaleCmdletModule
    Import-Module -Assembly $cmdletAssembly -Force
}
else {
    Remove-StaleCmdletModule
    Import-Module (Join-Path $PSScriptRoot "$cmdletAssemblyName.dll") -Force
}

Export-ModuleMember -Cmdlet * -Function @() -Variable @() -Alias @()
