using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Stripe;

internal static class UnawaitedTasks
{
    /// <summary>
    /// Reads the failure of a task that may never be awaited (a read left early), so that it is not reported as an
    /// unobserved exception; whoever does await it still gets the failure.
    /// </summary>
    public static void ObserveFailure(this Task task) =>
        task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
}
