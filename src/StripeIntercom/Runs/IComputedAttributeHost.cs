using System;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Runs;

/// <summary>
/// Where computed attributes are evaluated. PowerShell's are scriptblocks, which run only on the pipeline thread, so
/// the module passes a host that runs them there while the job works on other threads; without one they run inline.
/// </summary>
public interface IComputedAttributeHost
{
    Task<T> RunAsync<T>(Func<T> evaluate, CancellationToken cancellationToken);
}
