using System;

namespace StripeIntercom.Resilience;

/// <summary>
/// A request to a service got no usable answer in time. <see cref="IsOverall"/> tells the overall limit (every retry
/// and wait included) from the last attempt's own timeout; reaching the overall limit means the service is not
/// answering, which stops a run like an open circuit does. The message names the service and the path with ids
/// replaced, never a header or a token.
/// </summary>
public sealed class ServiceTimeoutException : TimeoutException
{
    public ServiceTimeoutException(string serviceName, bool isOverall, string message, Exception? innerException)
        : base(message, innerException)
    {
        ServiceName = serviceName;
        IsOverall = isOverall;
    }

    public string ServiceName { get; }

    public bool IsOverall { get; }
}
