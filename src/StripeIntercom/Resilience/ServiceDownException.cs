using System;

namespace StripeIntercom.Resilience;

/// <summary>
/// Thrown inside the pipeline by an attempt that finds its service judged down; <see cref="ResilientHttpHandler"/>
/// turns it into a <see cref="ServiceUnavailableException"/>. Never leaves the handler.
/// </summary>
internal sealed class ServiceDownException : Exception
{
}
