# The help a user reads with Get-Help: the risk parameters in the syntax, a default and the accepted values for every
# parameter, and the about_ topic. Data-driven from the cmdlets themselves, so a new parameter is checked as it lands.
BeforeDiscovery {
    Import-Module $env:STRIPEINTERCOM_TEST_MODULE -Force
    $cmdlets = @(Get-Command -Module StripeIntercom -CommandType Cmdlet | ForEach-Object Name)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Full help of <_>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $_
        $help = Get-Help $_ -Full
        $supportsShouldProcess = $command.Parameters.ContainsKey('WhatIf')
        $documented = @($command.Parameters.Values | Where-Object { $common -notcontains $_.Name }) +
            @(if ($supportsShouldProcess) { $command.Parameters['WhatIf'], $command.Parameters['Confirm'] })
    }

    It 'shows -WhatIf and -Confirm in every syntax line when it supports ShouldProcess' {
        foreach ($item in @($help.syntax.syntaxItem)) {
            $names = @($item.parameter | ForEach-Object name)
            if ($supportsShouldProcess) {
                $names | Should -Contain 'WhatIf'
                $names | Should -Contain 'Confirm'
            }
            else {
                $names | Should -Not -Contain 'WhatIf'
            }
        }
        $text = $help | Out-String -Width 4000
        if ($supportsShouldProcess) { $text | Should -Match '\[-WhatIf\] \[-Confirm\] \[<CommonParameters>\]' }
    }

    It 'gives every parameter a default value' {
        foreach ($parameter in $documented) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $entry | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) is in the help"
            [string]$entry.defaultValue | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) has a default value"
        }
    }

    It 'gives every constrained parameter its accepted values' {
        foreach ($parameter in $documented) {
            $type = $parameter.ParameterType
            if ($type.IsArray) { $type = $type.GetElementType() }
            if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
            $set = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
            $range = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] })
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $description = ($entry.description | Out-String)
            if ($type.IsEnum -or $set.Count) {
                $expected = if ($set.Count) { @($set[0].ValidValues) } else { [enum]::GetNames($type) }
                @($entry.parameterValueGroup.parameterValue) | Should -Be $expected -Because "-$($parameter.Name) lists what it accepts"
                $description | Should -Match ([regex]::Escape("Accepted values: $($expected -join ', ')"))
            }
            elseif ($range.Count) {
                $description | Should -Match "Accepted values: $($range[0].MinRange) (to|or more)" -Because "-$($parameter.Name) says its range"
            }
        }
    }
}

Describe 'Help details that operators rely on' {
    It 'Sync-IntercomContact shows -WhatIf, the ThrottleLimit default and the LookupMode values' {
        $text = Get-Help Sync-IntercomContact -Full | Out-String -Width 4000
        $text | Should -Match '\[-WhatIf\]'
        $text | Should -Match '-LookupMode \{Auto \| PerCustomer \| Bulk\}'
        $throttle = (Get-Help Sync-IntercomContact -Parameter ThrottleLimit)
        $throttle.defaultValue | Should -Be '8'
        ($throttle.description | Out-String) | Should -Match 'Accepted values: 1 to 64'
    }

    It 'about_StripeIntercom is there and names every cmdlet' {
        $about = Get-Help about_StripeIntercom | Out-String
        $about | Should -Match 'about_StripeIntercom'
        foreach ($name in (Get-Command -Module StripeIntercom -CommandType Cmdlet).Name) { $about | Should -Match $name }
    }
}
