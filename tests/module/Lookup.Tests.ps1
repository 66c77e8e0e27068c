# Get-IntercomContact and Get-IntercomCompany find what the sync wrote by the sync's own identity settings: a renamed
# link attribute (-AttributeMap), the app's user id in Stripe metadata (-ExternalIdMetadataKey), the company_id in
# metadata (-CompanyIdMetadataKey). Without those settings they do not find it, which is why they take them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    # --app-workspace: the app's users are already in Intercom (external_id app_0000N, the customers' emails), and
    # every other one of their Stripe customers carries that id in metadata app_user_id.
    $servers = Start-FakeServers -FakesPath (Get-TestFakesPath) -Arguments @('--customers', '30', '--search-lag-seconds', '0', '--app-workspace', '4')
    Connect-TestFakes $servers | Out-Null
    $identity = @{ AttributeMap = @{ stripe_customer_id = 'billing_customer_id' }; ExternalIdMetadataKey = 'app_user_id' }
    $profiles = @(Get-StripeCustomerProfile)
    $appUsers = @((Invoke-FakeControl $servers.IntercomUrl GET 'contacts').data | Where-Object { $_.external_id -like 'app_0*' })
}

AfterAll {
    Disconnect-StripeIntercom
    $servers | Stop-FakeServers
}

Describe 'Get-IntercomContact with the sync''s identity settings' {
    It 'finds the app user adopted by metadata and the user adopted by email under the renamed link; not without them' {
        $byAppId = $profiles | Where-Object { $_.Metadata.ContainsKey('app_user_id') } | Select-Object -First 1
        $appUser = $appUsers | Where-Object external_id -EQ $byAppId.Metadata['app_user_id']
        $byEmail = $profiles | Where-Object { -not $_.Metadata.ContainsKey('app_user_id') -and $_.Email -cin $appUsers.email } |
            Select-Object -First 1
        $emailUser = $appUsers | Where-Object email -CEQ $byEmail.Email
        $appUser | Should -Not -BeNullOrEmpty
        $emailUser | Should -Not -BeNullOrEmpty

        $synced = @(Sync-IntercomContact -CustomerId $byAppId.Id, $byEmail.Id @identity)
        $first = $synced | Where-Object CustomerId -EQ $byAppId.Id
        $first.ContactId | Should -Be $appUser.id
        $first.MatchedBy | Should -Be 'ExternalId'
        $second = $synced | Where-Object CustomerId -EQ $byEmail.Id
        $second.ContactId | Should -Be $emailUser.id
        $second.MatchedBy | Should -Be 'Email'

        # With the sync's settings: by the app's user id (read from Stripe), and by billing_customer_id.
        (Get-IntercomContact -CustomerId $byAppId.Id @identity).Id | Should -Be $first.ContactId
        ($byAppId | Get-IntercomContact @identity).Id | Should -Be $first.ContactId
        $linked = Get-IntercomContact $byEmail.Id @identity
        $linked.Id | Should -Be $second.ContactId
        $linked.ExternalId | Should -Be $emailUser.external_id
        $linked.Attributes.billing_customer_id | Should -Be $byEmail.Id
        # A map file's key counts as the parameter does.
        $mapFile = Join-Path $TestDrive 'map.psd1'
        "@{ Rename = @{ stripe_customer_id = 'billing_customer_id' }; ExternalIdMetadataKey = 'app_user_id' }" | Set-Content $mapFile
        (Get-IntercomContact $byAppId.Id -AttributeMap $mapFile).Id | Should -Be $first.ContactId

        # Without them: external_id is the customer id and the link is stripe_customer_id, which neither contact has.
        Get-IntercomContact -CustomerId $byAppId.Id, $byEmail.Id -ErrorVariable missing -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $missing.Count | Should -Be 2
        $missing | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ContactNotFound*' }
        "$($missing[0])" | Should -BeLike "*stripe_customer_id '$($byAppId.Id)'*"
        # With the key the customer is read from Stripe, so its email counts: the one unlinked user with it, as the
        # sync under the default map would adopt it.
        (Get-IntercomContact $byEmail.Id -ExternalIdMetadataKey app_user_id).Id | Should -Be $second.ContactId
    }

    It 'still finds a contact the sync created by the customer id, with or without the settings' {
        $plain = $profiles | Where-Object { -not $_.Metadata.ContainsKey('app_user_id') -and $_.Email -notin $appUsers.email } |
            Select-Object -Last 1
        $result = Sync-IntercomContact -CustomerId $plain.Id @identity
        $result.Action | Should -Be 'Created'
        (Get-IntercomContact $plain.Id @identity).Id | Should -Be $result.ContactId
        (Get-IntercomContact $plain.Id).Id | Should -Be $result.ContactId
    }

    It 'stops on a bad -AttributeMap as the sync does' {
        { Get-IntercomContact cus_x -AttributeMap 42 } | Should -Throw -ErrorId 'InvalidAttributeMap,*'
    }
}

Describe 'Get-IntercomCompany with -CompanyIdMetadataKey' {
    It 'finds the company the sync wrote under metadata account_id; by customer id alone it does not' {
        $customer = $profiles | Where-Object { $_.Metadata.ContainsKey('account_id') -and -not $_.Metadata.ContainsKey('app_user_id') } |
            Select-Object -First 1
        $results = @(Sync-IntercomContact -CustomerId $customer.Id -SyncCompany -CompanyIdMetadataKey account_id)
        $company = $results | Where-Object { $_ -is [StripeIntercom.Companies.CompanySyncResult] }
        $company.CompanyId | Should -Be $customer.Metadata['account_id']

        $found = Get-IntercomCompany -CustomerId $customer.Id -CompanyIdMetadataKey account_id
        $found.Id | Should -Be $company.IntercomCompanyId
        $found.CompanyId | Should -Be $customer.Metadata['account_id']
        Get-IntercomCompany -CustomerId $customer.Id -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'CompanyNotFound*'
    }
}
