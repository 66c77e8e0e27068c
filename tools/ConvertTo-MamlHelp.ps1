<#
.SYNOPSIS
    Builds the module's MAML help from the readable Markdown under module/help.
.DESCRIPTION
    The prose (synopsis, description, examples, parameter descriptions, inputs, outputs, notes) comes from one
    Markdown file per cmdlet, in platyPS's layout. Syntax, parameter types, positions, pipeline input and
    aliases come from the built module itself, so they cannot drift from the code. The build fails when a
    cmdlet or one of its parameters has no description, or a cmdlet has fewer than two examples.
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

    $doc = [ordered]@{ Synopsis = ''; Description = ''; Examples = @(); Parameters = @{}; Inputs = @(); Outputs = @(); Notes = ''; Links = @() }
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
            'PARAMETERS' { if ($current) { $doc.Parameters[$current] = $text } }
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

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $Required, [string] $Position, [string] $Description, [string] $PipelineInput)
    $Writer.WriteStartElement('command', 'parameter', $command)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('pipelineInput', $PipelineInput)
    $Writer.WriteAttributeString('position', $Position)
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Paragraphs $Writer $Description
    # int? reads as Int32 in help, as PowerShell users know it.
    $type = [Nullable]::GetUnderlyingType($Parameter.ParameterType)
    if (-not $type) { $type = $Parameter.ParameterType }
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
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
    $Writer.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$module = Import-Module $ModulePath -PassThru -Force
$problems = [System.Collections.Generic.List[string]]::new()

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $sourceFile = Join-Path $SourcePath "$($cmd.Name).md"
    if (-not (Test-Path $sourceFile)) { $problems.Add("$($cmd.Name): no help source $sourceFile"); continue }
    $doc = Read-HelpSource $sourceFile
    if (-not $doc.Synopsis) { $problems.Add("$($cmd.Name): no SYNOPSIS") }
    if (-not $doc.Description) { $problems.Add("$($cmd.Name): no DESCRIPTION") }
    if (@($doc.Examples).Count -lt 2) { $problems.Add("$($cmd.Name): fewer than two EXAMPLES") }

    $parameters = @($cmd.Parameters.Values | Where-Object { $commonParameters -notcontains $_.Name } | Sort-Object Name)
    foreach ($parameter in $parameters) {
        if (-not $doc.Parameters.ContainsKey($parameter.Name) -or -not $doc.Parameters[$parameter.Name]) {
            $problems.Add("$($cmd.Name): parameter -$($parameter.Name) has no description")
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
        foreach ($p in $set.Parameters | Where-Object { $commonParameters -notcontains $_.Name }) {
            $position = if ($p.Position -ge 0) { [string]($p.Position + 1) } else { 'named' }
            $pipeline = if ($p.ValueFromPipeline -or $p.ValueFromPipelineByPropertyName) { 'True' } else { 'False' }
            $full = $cmd.Parameters[$p.Name]
            Write-Parameter $writer $full $p.IsMandatory $position ([string]$doc.Parameters[$p.Name]) $pipeline
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
        Write-Parameter $writer $parameter $required $position ([string]$doc.Parameters[$parameter.Name]) (Get-PipelineInputText $parameter)
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

if ($problems.Count) {
    Remove-Item $OutputPath -Force
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Host "Help written to $OutputPath"
