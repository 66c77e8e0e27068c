namespace StripeIntercom.Sync;

public enum DataAttributeAction
{
    /// <summary>The attribute was missing and has been created.</summary>
    Created,
    /// <summary>The workspace already has it with the right type.</summary>
    Exists,
    /// <summary>Missing; would be created, but this is a -WhatIf.</summary>
    WouldCreate,
    /// <summary>A computed attribute whose type is not known yet (no value seen): left for a later pass.</summary>
    Deferred,
}
