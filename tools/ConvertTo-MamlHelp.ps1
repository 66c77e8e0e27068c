<#
.SYNOPSIS
    Builds the module's MAML help from the readable Markdown under module/help.
.DESCRIPTION
    The prose (synopsis, description, examples, parameter descriptions, inputs, outputs, notes) comes from one
    Markdown file per cmdlet, in platyPS's layout. Syntax, parameter types, positions, pipeline input, aliases,
    accepted values (enums, ValidateSet, ValidateRange) and compiled defaults come from the built module itself,
    so they cannot drift from the code; -WhatIf and -Confirm join the syntax of every cmdlet that supports
    ShouldProcess.

    A parameter's section may end with two optional lines:

        Default value: 8
        Accepted values: Auto, PerCustomer, Bulk

    "Default value" is required for every parameter that is neither a switch nor mandatory wherever it appears
    and whose compiled default is empty (a default that comes from the environment, say); when the compiled
    default is not empty the line may explain it but must begin with it. "Accepted values", when written, must
    match what the code accepts.

    The build fails when a cmdlet has no help source, no synopsis or description, fewer than two examples (each
    with code), a parameter (including -WhatIf and -Confirm) without a description, a default value or accepted
    values; when help describes a parameter that does not exist; or when the about_ topic is missing, lacks one
    of its sections or does not name every cmdlet.
    Runs in its own process because it imports the laid-out module.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Read-HelpSource {
    param([string] $Path)

    $doc = [ordered]@{ Synopsis = ''; Description = ''; Examples = @(); Parameters = @{}; Defaults = @{}; Accepted = @{}; Inputs = @(); Outputs = @(); Notes = ''; Links = @() }
    $section = $null
    $current = $null
    $inCode = $false
    $buffer = [System.Collections.Generic.List[string]]::new()

    function Complete-Block {
        $text = ($buffer -join "`n").Trim()
        $buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'RELATED LINKS' { $doc.Links = @($text -split "`n" | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim().TrimStart([char]'-').Trim() }) }
            'EXAMPLES' { if ($current) { $current.Remarks = $text } }
            'PARAMETERS' {
                if ($current) {
                    $kept = foreach ($line in $text -split "`n") {
                        if ($line -match '^\s*Default value:\s*(.*?)\s*$') { $doc.Defaults[$current] = $Matches[1] }
                        elseif ($line -match '^\s*Accepted values:\s*(.*?)\s*$') { $doc.Accepted[$current] = $Matches[1] }
                        else { $line }
                    }
                    $doc.Parameters[$current] = ($kept -join "`n").Trim()
                }
            }
            'INPUTS' { if ($current) { $doc.Inputs += [pscustomobject]@{ Type = $current; Description = $text } } }
            'OUTPUTS' { if ($current) { $doc.Outputs += [pscustomobject]@{ Type = $current; Description = $text } } }
        }
    }

    foreach ($line in (Get-Content $Path)) {
        if ($line -match '^```') {
            if (-not $inCode) {
                $inCode = $true
                $buffer.Clear()
            }
            else {
                $inCode = $false
                $current.Code = ($buffer -join "`n").TrimEnd()
                $buffer.Clear()
            }
            continue
        }
        if ($inCode) { $buffer.Add($line); continue }
        if ($line -match '^## (.+)$') {
            Complete-Block
            $section = $Matches[1].Trim().ToUpperInvariant()
            $current = $null
            continue
        }
        if ($line -match '^### (.+)$') {
            Complete-Block
            $heading = $Matches[1].Trim()
            $current = switch ($section) {
                'EXAMPLES' { $example = [pscustomobject]@{ Title = $heading; Code = ''; Remarks = '' }; $doc.Examples += $example; $example }
                'PARAMETERS' { $heading.TrimStart('-') }
                default { $heading }
            }
            continue
        }
        if ($line -match '^# ') { continue }
        $buffer.Add($line)
    }
    Complete-Block
    return $doc
}

function Write-Paragraphs {
    param([System.Xml.XmlWriter] $Writer, [string] $Text)
    $Writer.WriteStartElement('maml', 'description', $maml)
    foreach ($paragraph in ($Text -split "\n\s*\n")) {
        $Writer.WriteElementString('maml', 'para', $maml, ($paragraph -replace '\s*\n\s*', ' ').Trim())
    }
    $Writer.WriteEndElement()
}

function Write-TypeList {
    <# INPUTS and OUTPUTS: a list of types, each with its description. #>
    param([System.Xml.XmlWriter] $Writer, [string] $ListElement, [string] $ItemElement, $Entries)
    $Writer.WriteStartElement('command', $ListElement, $command)
    foreach ($entry in $Entries) {
        $Writer.WriteStartElement('command', $ItemElement, $command)
        $Writer.WriteStartElement('dev', 'type', $dev)
        $Writer.WriteElementString('maml', 'name', $maml, $entry.Type)
        $Writer.WriteEndElement()
        Write-Paragraphs $Writer $entry.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Get-PipelineInputText {
    param($Parameter)
    $kinds = @()
    foreach ($attribute in $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
        if ($attribute.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    }
    $kinds = @($kinds | Select-Object -Unique)
    if ($kinds.Count -eq 0) { return 'False' }
    return "True ($($kinds -join ', '))"
}

function Get-AcceptedValues {
    <# What the code accepts: enum names or a ValidateSet as a list, a ValidateRange as text. #>
    param($Parameter)
    $type = $Parameter.ParameterType
    if ($type.IsArray) { $type = $type.GetElementType() }
    $underlying = [Nullable]::GetUnderlyingType($type)
    if ($underlying) { $type = $underlying }
    $list = @()
    $range = $null
    if ($type.IsEnum) { $list = [enum]::GetNames($type) }
    foreach ($attribute in $Parameter.Attributes) {
        if ($attribute -is [System.Management.Automation.ValidateSetAttribute]) { $list = @($attribute.ValidValues) }
        if ($attribute -is [System.Management.Automation.ValidateRangeAttribute]) {
            $range = if ($attribute.MaxRange -eq [int]::MaxValue) { "$($attribute.MinRange) or more" } else { "$($attribute.MinRange) to $($attribute.MaxRange)" }
        }
    }
    $text = if ($list.Count) { $list -join ', ' } elseif ($range) { $range } else { $null }
    [pscustomobject]@{ List = $list; Text = $text }
}

function Get-CompiledDefault {
    <# The value a fresh cmdlet object holds for the parameter, as text; $null when it holds nothing. #>
    param($Instance, [string] $Name)
    if ($null -eq $Instance) { return $null }
    $property = $Instance.GetType().GetProperty($Name)
    if (-not $property) { return $null }
    $value = $property.GetValue($Instance)
    if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
    if ($null -eq $value) { return $null }
    if ($value -is [array]) { if ($value.Count -eq 0) { return $null }; return ($value -join ', ') }
    $text = [string]$value
    if ([string]::IsNullOrWhiteSpace($text)) { return $null }
    return $text
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $Required, [string] $Position, [string] $Description, [string] $PipelineInput, [string] $Default, $Accepted)
    $Writer.WriteStartElement('command', 'parameter', $command)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('pipelineInput', $PipelineInput)
    $Writer.WriteAttributeString('position', $Position)
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    $text = $Description
    if ($Accepted -and $Accepted.Text) { $text = "$text`n`nAccepted values: $($Accepted.Text)" }
    Write-Paragraphs $Writer $text
    # int? reads as Int32 in help, as PowerShell users know it.
    $type = [Nullable]::GetUnderlyingType($Parameter.ParameterType)
    if (-not $type) { $type = $Parameter.ParameterType }
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    if ($Accepted -and $Accepted.List.Count) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $command)
        foreach ($value in $Accepted.List) {
            $Writer.WriteStartElement('command', 'parameterValue', $command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type.Name)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('maml', 'name', $maml, $type.FullName)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $dev, $Default)
    $Writer.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$module = Import-Module $ModulePath -PassThru -Force
$problems = [System.Collections.Generic.List[string]]::new()
$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
if ($cmdlets.Count -eq 0) { throw "The module at $ModulePath exports no cmdlets; nothing to document." }

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

foreach ($cmd in $cmdlets) {
    $sourceFile = Join-Path $SourcePath "$($cmd.Name).md"
    if (-not (Test-Path $sourceFile)) { $problems.Add("$($cmd.Name): no help source $sourceFile"); continue }
    $doc = Read-HelpSource $sourceFile
    if (-not $doc.Synopsis) { $problems.Add("$($cmd.Name): no SYNOPSIS") }
    if (-not $doc.Description) { $problems.Add("$($cmd.Name): no DESCRIPTION") }
    if (@($doc.Examples).Count -lt 2) { $problems.Add("$($cmd.Name): fewer than two EXAMPLES") }
    foreach ($example in $doc.Examples) { if (-not $example.Code) { $problems.Add("$($cmd.Name): example '$($example.Title)' has no code") } }

    # -WhatIf and -Confirm are common parameters, but the ones that say what a run risks: they are documented,
    # shown in the syntax and described like any other.
    $risk = @(if ($cmd.Parameters.ContainsKey('WhatIf')) { 'WhatIf', 'Confirm' })
    $parameters = @($cmd.Parameters.Values | Where-Object { $commonParameters -notcontains $_.Name } | Sort-Object Name) +
        @($risk | ForEach-Object { $cmd.Parameters[$_] })
    $instance = try { [Activator]::CreateInstance($cmd.ImplementingType) } catch { $null }
    $defaults = @{}
    $accepted = @{}
    foreach ($parameter in $parameters) {
        $name = $parameter.Name
        if (-not $doc.Parameters.ContainsKey($name) -or -not $doc.Parameters[$name]) {
            $problems.Add("$($cmd.Name): parameter -$name has no description")
        }

        $accepted[$name] = Get-AcceptedValues $parameter
        if ($doc.Accepted.ContainsKey($name) -and $doc.Accepted[$name] -ne $accepted[$name].Text) {
            $problems.Add("$($cmd.Name): -$name help says it accepts '$($doc.Accepted[$name])', the code accepts '$($accepted[$name].Text)'")
        }

        $isSwitch = $parameter.SwitchParameter
        $mandatoryEverywhere = @($parameter.ParameterSets.Values).Count -gt 0 -and -not @($parameter.ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count
        $compiled = if ($risk -contains $name) { 'False' } else { Get-CompiledDefault $instance $name }
        $written = $doc.Defaults[$name]
        if ($written -and $compiled -and -not $written.StartsWith($compiled, [StringComparison]::OrdinalIgnoreCase)) {
            $problems.Add("$($cmd.Name): -$name help gives the default '$written', the code has '$compiled'")
        }
        $defaults[$name] = if ($written) { $written } elseif ($compiled) { $compiled } elseif ($mandatoryEverywhere) { 'None' } else { $null }
        if (-not $defaults[$name] -and -not $isSwitch) {
            $problems.Add("$($cmd.Name): parameter -$name has no default value (add 'Default value: ...' to its section)")
        }
    }
    foreach ($documented in $doc.Parameters.Keys) {
        if (-not $cmd.Parameters.ContainsKey($documented)) { $problems.Add("$($cmd.Name): help describes -$documented, which does not exist") }
    }

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('command', 'name', $command, $cmd.Name)
    $writer.WriteElementString('command', 'verb', $command, $cmd.Verb)
    $writer.WriteElementString('command', 'noun', $command, $cmd.Noun)
    Write-Paragraphs $writer $doc.Synopsis
    $writer.WriteEndElement()
    Write-Paragraphs $writer $doc.Description

    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('maml', 'name', $maml, $cmd.Name)
        foreach ($p in @($set.Parameters | Where-Object { $commonParameters -notcontains $_.Name }) + @($set.Parameters | Where-Object { $risk -contains $_.Name })) {
            $position = if ($p.Position -ge 0) { [string]($p.Position + 1) } else { 'named' }
            $pipeline = if ($p.ValueFromPipeline -or $p.ValueFromPipelineByPropertyName) { 'True' } else { 'False' }
            $full = $cmd.Parameters[$p.Name]
            Write-Parameter $writer $full $p.IsMandatory $position ([string]$doc.Parameters[$p.Name]) $pipeline ([string]$defaults[$p.Name]) $accepted[$p.Name]
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($parameter in $parameters) {
        $attributes = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $required = @($attributes | Where-Object Mandatory).Count -gt 0
        $positions = @($attributes | Where-Object { $_.Position -ge 0 } | ForEach-Object { $_.Position + 1 })
        $position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
        Write-Parameter $writer $parameter $required $position ([string]$doc.Parameters[$parameter.Name]) (Get-PipelineInputText $parameter) ([string]$defaults[$parameter.Name]) $accepted[$parameter.Name]
    }
    $writer.WriteEndElement()

    Write-TypeList $writer 'inputTypes' 'inputType' $doc.Inputs
    Write-TypeList $writer 'returnValues' 'returnValue' $doc.Outputs

    if ($doc.Notes) {
        $writer.WriteStartElement('maml', 'alertSet', $maml)
        $writer.WriteStartElement('maml', 'alert', $maml)
        foreach ($paragraph in ($doc.Notes -split "\n\s*\n")) {
            $writer.WriteElementString('maml', 'para', $maml, ($paragraph -replace '\s*\n\s*', ' ').Trim())
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }

    $writer.WriteStartElement('command', 'examples', $command)
    $number = 0
    foreach ($example in $doc.Examples) {
        $number++
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('maml', 'title', $maml, "--------- $($example.Title) ---------")
        $writer.WriteElementString('dev', 'code', $dev, $example.Code)
        $writer.WriteStartElement('dev', 'remarks', $dev)
        foreach ($paragraph in ($example.Remarks -split "\n\s*\n")) {
            $writer.WriteElementString('maml', 'para', $maml, ($paragraph -replace '\s*\n\s*', ' ').Trim())
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in $doc.Links) {
        $writer.WriteStartElement('maml', 'navigationLink', $maml)
        $writer.WriteElementString('maml', 'linkText', $maml, $link)
        $writer.WriteElementString('maml', 'uri', $maml, '')
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()

# The about_ topic: its sections, and every cmdlet named in it.
$aboutPath = Join-Path $SourcePath "about_$($module.Name).help.txt"
if (-not (Test-Path $aboutPath)) { $problems.Add("no about_ topic at $aboutPath") }
else {
    $about = Get-Content $aboutPath -Raw
    foreach ($section in 'TOPIC', 'SHORT DESCRIPTION', 'LONG DESCRIPTION', 'SEE ALSO') {
        if ($about -notmatch "(?m)^$section\s*$") { $problems.Add("about_$($module.Name): no $section section") }
    }
    foreach ($cmd in $cmdlets) {
        if ($about -notmatch [regex]::Escape($cmd.Name)) { $problems.Add("about_$($module.Name): does not name $($cmd.Name)") }
    }
}

if ($problems.Count) {
    Remove-Item $OutputPath -Force
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Host "Help written to $OutputPath"
