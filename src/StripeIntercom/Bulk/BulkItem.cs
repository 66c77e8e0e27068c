using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Bulk;

/// <summary>
/// One write waiting in a <see cref="BulkQueue{T}"/>; its caller waits for <see cref="BulkItem{TResult}.Completion"/>.
/// </summary>
internal abstract class BulkItem
{
    protected BulkItem(CancellationToken token) => Token = token;

    /// <summary>The caller's run: an item whose run stopped before its batch left is not sent.</summary>
    public CancellationToken Token { get; }

    public abstract void Cancel();
}

internal abstract class BulkItem<TResult> : BulkItem
{
    protected BulkItem(CancellationToken token) : base(token)
    {
    }

    public TaskCompletionSource<TResult> Completion { get; } =
        new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Cancel() => Completion.TrySetCanceled(Token);
}

internal static class BulkItems
{
    public static void CompleteEach<TResult>(this IReadOnlyList<BulkItem<TResult>> items, TResult result)
    {
        foreach (var item in items)
        {
            item.Completion.TrySetResult(result);
        }
    }

    public static void FailEach<TResult>(this IReadOnlyList<BulkItem<TResult>> items, Exception error)
    {
        foreach (var item in items)
        {
            if (error is OperationCanceledException && item.Token.IsCancellationRequested)
            {
                item.Completion.TrySetCanceled(item.Token);
            }
            else
            {
                item.Completion.TrySetException(error);
            }
        }
    }

    /// <summary>Waits for the item's outcome, or throws once <paramref name="cancellationToken"/> is cancelled (the
    /// item may still be written: the next run finds what it became).</summary>
    public static async Task<TResult> WaitAsync<TResult>(this TaskCompletionSource<TResult> completion,
        CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await completion.Task.ConfigureAwait(false);
        }

        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
        {
            if (await Task.WhenAny(completion.Task, cancelled.Task).ConfigureAwait(false) != completion.Task)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        return await completion.Task.ConfigureAwait(false);
    }
}
