# What an unattended or careful operator relies on (issue 19): -Confirm asks once per run and declining writes
# nothing; the Information stream tells the run's story without secrets; -ErrorAction Stop ends a run at its first
# failed customer with the state saved, one error naming the customer and what the next run does.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    # A host whose PromptForChoice answers from a script (by the choice's label: Yes, Yes to All, No, No to All) and
    # records every question, so a test proves that -Confirm really asks, and what.
    if (-not ('StripeIntercomTests.ScriptedHost' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace StripeIntercomTests
{
    public sealed class ScriptedUI : PSHostUserInterface
    {
        public Queue<string> Answers { get; } = new Queue<string>();
        public List<string> Questions { get; } = new List<string>();
        public List<string> Lines { get; } = new List<string>();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Questions.Add(caption + ": " + message);
            if (Answers.Count == 0) throw new InvalidOperationException("Asked more often than the test scripted: " + message);
            var answer = Answers.Dequeue();
            for (var i = 0; i < choices.Count; i++)
            {
                if (choices[i].Label.Replace("&", "") == answer) return i;
            }
            throw new InvalidOperationException("No choice labelled " + answer);
        }

        public override PSHostRawUserInterface RawUI => null;
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        public override void Write(string value) { }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
        public override void WriteLine(string value) { Lines.Add(value); }
        public override void WriteErrorLine(string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { }
    }

    public sealed class ScriptedHost : PSHost
    {
        private readonly Guid _id = Guid.NewGuid();
        public ScriptedUI ScriptedUI { get; } = new ScriptedUI();
        public override string Name => "StripeIntercomScriptedHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => ScriptedUI;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }
}
'@
    }

    function Invoke-WithAnswers {
        <# Runs $Script in a fresh runspace of the scripted host, connected to the fakes; returns its output and questions. #>
        param([Parameter(Mandatory)] [string[]] $Answers, [Parameter(Mandatory)] [scriptblock] $Script, [hashtable] $Arguments = @{})
        $scriptedHost = [StripeIntercomTests.ScriptedHost]::new()
        foreach ($answer in $Answers) { $scriptedHost.ScriptedUI.Answers.Enqueue($answer) }
        $runspace = [runspacefactory]::CreateRunspace($scriptedHost)
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript({
                    param($ModulePath, $Servers)
                    Import-Module $ModulePath
                    Connect-StripeIntercom -StripeApiKey (ConvertTo-SecureString $Servers.StripeKey -AsPlainText -Force) `
                        -IntercomAccessToken (ConvertTo-SecureString $Servers.IntercomToken -AsPlainText -Force) `
                        -StripeApiBase $Servers.StripeUrl -IntercomApiBase $Servers.IntercomUrl -WarningAction SilentlyContinue | Out-Null
                }).AddParameter('ModulePath', (Get-TestModulePath)).AddParameter('Servers', $servers)
            $shell.Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript($Script)
            foreach ($name in $Arguments.Keys) { $null = $shell.AddParameter($name, $Arguments[$name]) }
            $output = @($shell.Invoke())
            [pscustomobject]@{
                Output    = $output
                Errors    = @($shell.Streams.Error)
                Questions = @($scriptedHost.ScriptedUI.Questions)
                HostLines = @($scriptedHost.ScriptedUI.Lines)
                Unanswered = $scriptedHost.ScriptedUI.Answers.Count
            }
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }

    function Get-IntercomWrites { (Invoke-FakeControl $servers.IntercomUrl GET 'counters').writes }
}

Describe '-Confirm asks once per run' {
    BeforeAll {
        $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--stripe-rps', '0', '--search-lag-seconds', '0')
        $state = Join-Path $TestDrive 'confirm-state.json'
    }

    AfterAll {
        $servers | Stop-FakeServers
    }

    It 'asks before a full sync, saying what it covers and where, and writes nothing when answered no' {
        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null
        $run = Invoke-WithAnswers -Answers 'No' -Script { Invoke-StripeIntercomSync -Confirm }
        $run.Questions.Count | Should -Be 1
        $run.Questions[0] | Should -Match 'Sync every Stripe customer'
        $run.Questions[0] | Should -Match 'workspace Fake Workspace \(US\)'
        $run.Output | Should -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
        # Not even the data attributes: declining writes nothing at all.
        Get-IntercomWrites | Should -Be 0
        (Invoke-FakeControl $servers.IntercomUrl GET 'contacts').total_count | Should -Be 0
    }

    It 'asks before the first incremental run (a full sync) and, answered yes, runs it and saves the state' {
        $run = Invoke-WithAnswers -Answers 'Yes' -Script { param($State) Invoke-StripeIntercomSync -Incremental -StatePath $State -Confirm -WarningAction SilentlyContinue } -Arguments @{ State = $state }
        $run.Questions.Count | Should -Be 1
        $run.Questions[0] | Should -Match 'every Stripe customer \(a full sync'
        $run.Questions[0] | Should -Match 'no state file yet'
        $summary = $run.Output | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
        $summary.Mode | Should -Be 'Full'
        $summary.Created | Should -Be 30
        Test-Path $state | Should -BeTrue
    }

    It 'asks an incremental run with its count of changed customers; no leaves the state as it was, yes syncs them' {
        $changed = @((Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = 3; seed = 5 }).changed)
        $changed.Count | Should -Be 3
        $before = Get-FileHash $state
        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null

        $declined = Invoke-WithAnswers -Answers 'No' -Script { param($State) Invoke-StripeIntercomSync -Incremental -StatePath $State -Confirm } -Arguments @{ State = $state }
        $declined.Questions.Count | Should -Be 1
        $declined.Questions[0] | Should -Match 'Sync 3 changed Stripe customers \(incremental run\) into Intercom workspace Fake Workspace \(US\)\?'
        $declined.Output | Should -BeNullOrEmpty
        Get-IntercomWrites | Should -Be 0
        (Get-FileHash $state).Hash | Should -Be $before.Hash

        $accepted = Invoke-WithAnswers -Answers 'Yes' -Script { param($State) Invoke-StripeIntercomSync -Incremental -StatePath $State -Confirm -PassThru } -Arguments @{ State = $state }
        $accepted.Questions.Count | Should -Be 1
        $accepted.Questions[0] | Should -Match 'Sync 3 changed'
        $results = @($accepted.Output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
        @($results.CustomerId | Sort-Object) | Should -Be @($changed | Sort-Object)
        (Get-FileHash $state).Hash | Should -Not -Be $before.Hash
    }

    It 'asks Receive-StripeWebhook once per delivery; "No to All" declines the rest without asking again' {
        $secret = 'whsec_confirm_test'
        Connect-TestFakes $servers | Out-Null
        $ids = @(Get-StripeCustomerProfile -First 3 | ForEach-Object Id)
        $deliveries = foreach ($id in $ids) {
            $payload = New-StripeEventPayload -CustomerId $id
            [pscustomobject]@{ Body = $payload; StripeSignature = (New-StripeSignatureHeader -Payload $payload -Secret $secret) }
        }
        Disconnect-StripeIntercom
        Invoke-FakeControl $servers.IntercomUrl POST 'counters/reset' | Out-Null
        Invoke-FakeControl $servers.StripeUrl POST 'counters/reset' | Out-Null

        $none = Invoke-WithAnswers -Answers 'No to All' -Script {
            param($Deliveries, $Secret)
            $Deliveries | Receive-StripeWebhook -Secret (ConvertTo-SecureString $Secret -AsPlainText -Force) -Confirm
        } -Arguments @{ Deliveries = $deliveries; Secret = $secret }
        $none.Questions.Count | Should -Be 1
        $none.Questions[0] | Should -Match "Sync Stripe customer $($ids[0]) \(event evt_\w+, customer.updated\) into Intercom workspace Fake Workspace \(US\)\?"
        $none.Output | Should -BeNullOrEmpty
        $none.Errors | Should -BeNullOrEmpty
        Get-IntercomWrites | Should -Be 0
        # Connecting in the new runspace checks the key with one list call; no declined customer is read by id.
        @((Invoke-FakeControl $servers.StripeUrl GET 'counters').routes.PSObject.Properties.Name | Where-Object { $_ -match 'customers/' }) |
            Should -BeNullOrEmpty -Because 'a declined delivery is not even read from Stripe'

        $some = Invoke-WithAnswers -Answers 'Yes', 'No', 'Yes' -Script {
            param($Deliveries, $Secret)
            $Deliveries | Receive-StripeWebhook -Secret (ConvertTo-SecureString $Secret -AsPlainText -Force) -Confirm
        } -Arguments @{ Deliveries = $deliveries; Secret = $secret }
        $some.Questions.Count | Should -Be 3
        $some.Unanswered | Should -Be 0
        @($some.Output | ForEach-Object CustomerId) | Should -Be @($ids[0], $ids[2])
    }

    It 'keeps -WhatIf as it was: no question, a What if line per contact that would be written' {
        Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = 2; seed = 9 } | Out-Null
        $run = Invoke-WithAnswers -Answers @('unused') -Script { param($State) Invoke-StripeIntercomSync -Incremental -StatePath $State -WhatIf -PassThru } -Arguments @{ State = $state }
        $run.Questions | Should -BeNullOrEmpty
        ($run.Output | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }).WhatIf | Should -BeTrue
        $wouldWrite = @($run.Output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] -and $_.Action -in 'Created', 'Updated', 'Archived' })
        $wouldWrite.Count | Should -BeGreaterThan 0
        @($run.HostLines | Where-Object { $_ -like 'What if:*' }).Count | Should -Be $wouldWrite.Count
    }
}

Describe 'Milestones on the Information stream' {
    BeforeAll {
        $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '20', '--stripe-rps', '0', '--search-lag-seconds', '0')
        Connect-TestFakes $servers | Out-Null
        $state = Join-Path $TestDrive 'milestone-state.json'
    }

    AfterAll {
        Disconnect-StripeIntercom
        $servers | Stop-FakeServers
    }

    It 'tells a full run''s story, tagged, apart from the per-call verbose lines, and without a secret' {
        $all = @(Invoke-StripeIntercomSync -Incremental -StatePath $state -Verbose -InformationAction SilentlyContinue -WarningAction SilentlyContinue *>&1)
        $milestones = @($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] -and $_.Tags -contains 'StripeIntercom.Milestone' })
        $text = ($milestones.MessageData | ForEach-Object { "$_" }) -join "`n"
        $text | Should -Match 'Connected: Stripe in test mode, Intercom workspace Fake Workspace \(US\)\.'
        $text | Should -Match 'Mode: Full sync\. There is no state file yet'
        $text | Should -Match 'Customers done: 20 \(\d+ created, 0 updated, 0 unchanged, \d+ skipped, 0 conflicts, 0 failed'
        $text | Should -Match 'Finished: every customer succeeded\.'
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match 'POST /contacts\S* -> 200'
        $verbose | Should -Not -Match 'Customers done:'
        $text | Should -Not -Match 'POST /contacts'

        $everything = ($all | ForEach-Object { if ($_ -is [System.Management.Automation.InformationRecord]) { "$($_.MessageData)" } else { "$_" } }) -join "`n"
        $everything | Should -Not -Match ([regex]::Escape($servers.StripeKey))
        $everything | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
    }

    It 'tells an incremental run''s mode, why, and the events it read' {
        Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = 4; seed = 3 } | Out-Null
        $info = $null
        $summary = Invoke-StripeIntercomSync -Incremental -StatePath $state -InformationVariable info
        $summary.Customers | Should -Be 4
        $text = (@($info | Where-Object { $_.Tags -contains 'StripeIntercom.Milestone' }).MessageData | ForEach-Object { "$_" }) -join "`n"
        $text | Should -Match 'Mode: Incremental\. Reading Stripe events since'
        $text | Should -Match 'Events read: \d+ Stripe events? since the cursor, naming 4 customers; 0 more retried'
        $text | Should -Match 'Customers done: 4 '
        $text | Should -Not -Match ([regex]::Escape($servers.StripeKey))
        $text | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
    }

    It 'shows the story with -InformationAction Continue in a transcript' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Invoke-StripeIntercomSync -Incremental -StatePath $state -InformationAction Continue | Out-Null }
        finally { Stop-Transcript | Out-Null }
        $logged = Get-Content $transcript -Raw
        $logged | Should -Match 'Connected: Stripe in test mode'
        $logged | Should -Match 'Mode: Incremental'
        $logged | Should -Match 'Customers done: 0 '
        $logged | Should -Not -Match ([regex]::Escape($servers.StripeKey))
        $logged | Should -Not -Match ([regex]::Escape($servers.IntercomToken))
    }
}

Describe 'A failing customer under -ErrorAction Stop' {
    BeforeAll {
        $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '25', '--stripe-rps', '0', '--search-lag-seconds', '0')
        Connect-TestFakes $servers | Out-Null
        $state = Join-Path $TestDrive 'stop-state.json'
        Invoke-StripeIntercomSync -Incremental -StatePath $state -WarningAction SilentlyContinue | Out-Null
        $bad = (Get-StripeCustomerProfile -First 1).Id
        $goodEmail = (Get-StripeCustomerProfile -CustomerId $bad).Email
    }

    AfterAll {
        Disconnect-StripeIntercom
        $servers | Stop-FakeServers
    }

    It 'saves the state, writes the summary, and ends with one error naming the customer and what the next run does' {
        # The bad change comes first (its event is the oldest), so the run stops before the other changed customers.
        Invoke-FakeControl $servers.StripeUrl POST "customers/$bad/change" @{ email = (('l' * 300) + '@example.com') } | Out-Null
        Start-Sleep -Milliseconds 1100
        $others = @((Invoke-FakeControl $servers.StripeUrl POST 'change-random' @{ count = 8; seed = 21 }).changed | Where-Object { $_ -ne $bad })

        $written = [System.Collections.Generic.List[object]]::new()
        $caught = $null
        try {
            # What runbook guides recommend: the preference, not only the parameter, stops at the first error.
            & {
                $ErrorActionPreference = 'Stop'
                Invoke-StripeIntercomSync -Incremental -StatePath $state -PassThru -ThrottleLimit 1 | ForEach-Object { $written.Add($_) }
            }
        }
        catch { $caught = $_ }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'SyncFailed,*'
        $caught.TargetObject | Should -Be $bad
        "$caught" | Should -Match ([regex]::Escape($bad))
        "$caught" | Should -Match "field 'email'"
        "$caught" | Should -Match 'stopped at this first failed customer'
        "$caught" | Should -Match "The state file was saved before stopping\. The next run syncs the \d+ customers not done, $bad among them\."

        $summary = $written | Where-Object { $_ -is [StripeIntercom.Sync.SyncSummary] }
        $summary | Should -Not -BeNullOrEmpty -Because 'the summary is written before the terminating error'
        $summary.Stopped | Should -BeTrue
        $summary.Failed | Should -Be 1
        $done = @($written | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] -and $_.Action -ne 'Failed' } | ForEach-Object CustomerId)

        $saved = Get-Content $state -Raw | ConvertFrom-Json
        $retry = @($saved.retryCustomerIds)
        $retry | Should -Contain $bad
        $expected = @(@($bad) + $others | Where-Object { $done -notcontains $_ } | Sort-Object -Unique)
        @($retry | Sort-Object) | Should -Be $expected
        $expected.Count | Should -BeGreaterThan 1 -Because 'the run stopped before other changed customers'
        "$caught" | Should -Match "syncs the $($retry.Count) customers not done"
    }

    It 'lets the next run finish every other customer and report the bad one again' {
        $retry = @((Get-Content $state -Raw | ConvertFrom-Json).retryCustomerIds)
        $errors = $null
        $output = Invoke-StripeIntercomSync -Incremental -StatePath $state -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue
        $results = @($output | Where-Object { $_ -is [StripeIntercom.Sync.SyncResult] })
        foreach ($id in $retry) { $results.CustomerId | Should -Contain $id }
        @($results | Where-Object { $_.CustomerId -ne $bad -and $_.Action -eq 'Failed' }) | Should -BeNullOrEmpty
        ($results | Where-Object CustomerId -EQ $bad).Action | Should -Be 'Failed'
        @($errors).Count | Should -Be 1
        @((Get-Content $state -Raw | ConvertFrom-Json).retryCustomerIds) | Should -Be @($bad)
    }

    It 'syncs the bad customer once its data is fixed, with -ErrorAction Stop raising nothing' {
        Invoke-FakeControl $servers.StripeUrl POST "customers/$bad/change" @{ email = $goodEmail } | Out-Null
        $summary = Invoke-StripeIntercomSync -Incremental -StatePath $state -ErrorAction Stop
        $summary.Failed | Should -Be 0
        $summary.Succeeded | Should -BeTrue
        @((Get-Content $state -Raw | ConvertFrom-Json).retryCustomerIds) | Should -BeNullOrEmpty
    }

    It 'says a run without -Incremental keeps no state and the next one syncs every customer again' {
        Invoke-FakeControl $servers.StripeUrl POST "customers/$bad/change" @{ email = (('m' * 300) + '@example.com') } | Out-Null
        { Invoke-StripeIntercomSync -ErrorAction Stop } | Should -Throw -ErrorId 'SyncFailed,*' -ExpectedMessage "*$bad*keeps no state: the next one syncs every customer again*"
    }
}
