@{
    RootModule           = 'StripeIntercom.psm1'
    # Stamped from Directory.Build.props when the build lays out the module.
    ModuleVersion        = '0.0.0'
    GUID                 = '5d0f7f0e-3c1b-4f4e-9a57-3d2a8c1e9b61'
    Author               = 'StripeIntercom contributors'
    CompanyName          = 'StripeIntercom'
    Copyright            = '(c) 2026 StripeIntercom contributors. MIT License (LICENSE in the module folder).'
    Description          = 'Gives a support team Stripe billing context inside Intercom: every Stripe customer becomes or updates an Intercom contact whose custom attributes carry subscription status, plan, MRR, balance, invoices and payment health.'
    # What the tests run on: PowerShell 7.6 (Core) on Linux. Windows PowerShell 5.1 is not supported (README, Hosts).
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('StripeIntercom.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-StripeIntercom'
        'Disconnect-StripeIntercom'
        'Get-StripeIntercomConnection'
        'Get-StripeCustomerProfile'
        'Get-IntercomContact'
        'Get-IntercomCompany'
        'Initialize-IntercomDataAttribute'
        'Sync-IntercomContact'
        'Invoke-StripeIntercomSync'
        'Receive-StripeWebhook'
        'Start-StripeWebhookListener'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # Platform tags claim only what the tests run on: Linux. Windows and macOS are not tested, so not tagged.
            Tags = @('Stripe', 'Intercom', 'Sync', 'Billing', 'Support', 'PSEdition_Core', 'Linux')
            # BUILD: ProjectUri, LicenseUri and ReleaseNotes are stamped here by build.ps1 when set (Directory.Build.props)
        }
    }
}
