using System.Management.Automation;
using StripeIntercom.Runs;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The one base of the module's cmdlets: the pipeline bridge for their asynchronous work, stopping, and -WhatIf.
/// Every cmdlet declares its own parameters, so none carries one it ignores.
/// </summary>
public abstract class StripeIntercomCmdlet : PSCmdlet, IDisposable
{
    private readonly Stack<IDisposable> _owned = new Stack<IDisposable>();
    private bool? _isWhatIf;

    internal WorkPump Bridge { get; } = new WorkPump();

    /// <summary>True under -WhatIf, whether given to this cmdlet or through $WhatIfPreference (read once: it is asked
    /// per customer).</summary>
    protected bool IsWhatIf => _isWhatIf ??=
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? ((SwitchParameter)value).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>
    /// True when an error this cmdlet writes would stop it (-ErrorAction Stop, or $ErrorActionPreference = 'Stop' as
    /// runbook guides advise): a run then stops at its first failed customer, saves its state and ends with one
    /// terminating error instead of a non-terminating one that would throw in the middle of the writes.
    /// </summary>
    protected bool StopsAtFirstError =>
        // The preference may hold a string ('Stop'), as a script assigns it.
        LanguagePrimitives.TryConvertTo<ActionPreference>(
            MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound)
                ? bound
                : GetVariableValue("ErrorActionPreference"),
            out var preference)
        && preference == ActionPreference.Stop;

    protected CancellationToken CancellationToken => Bridge.CancellationToken;

    /// <summary>-Confirm's question for a whole run: <paramref name="describe"/> gives the description (false) and the
    /// question (true).</summary>
    protected bool Confirm(Func<bool, string> describe) => ShouldProcess(describe(false), describe(true), "Confirm");

    protected override void BeginProcessing() => Bridge.BindToCurrentThread();

    protected override void StopProcessing() => Bridge.Cancel();

    /// <summary>Runs library work off the pipeline thread while this thread writes what it posts.</summary>
    /// <exception cref="PipelineStoppedException">The work was cancelled because the pipeline is stopping.</exception>
    internal void Run(Func<CancellationToken, Task> work) => Run<object?>(async token =>
    {
        await work(token).ConfigureAwait(false);
        return null;
    });

    internal T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return Bridge.Run(work);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Writes what the lookup of each key found, through <paramref name="output"/>, or an ObjectNotFound error
    /// (<paramref name="errorId"/>) saying why nothing was, its target the key (or <paramref name="target"/> of it).
    /// </summary>
    internal void WriteLookups<TKey, T>(IEnumerable<TKey> keys,
        Func<TKey, CancellationToken, Task<LookupResult<T>>> lookup, string errorId, Func<T, object> output,
        Func<TKey, string>? target = null)
        where T : class
    {
        foreach (var key in keys)
        {
            var result = Run(token => lookup(key, token));
            if (result.Found.Count == 0)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException(result.NotFoundMessage), errorId,
                    ErrorCategory.ObjectNotFound, target is null ? key : target(key)));
            }

            foreach (var found in result.Found)
            {
                WriteObject(output(found), enumerateCollection: true);
            }
        }
    }

    /// <summary>Keeps what the cmdlet made for its run (readers, clients, jobs) to dispose with the cmdlet, the last
    /// made first; PowerShell disposes every cmdlet.</summary>
    protected T Own<T>(T resource)
        where T : IDisposable
    {
        _owned.Push(resource);
        return resource;
    }

    public void Dispose()
    {
        while (_owned.Count > 0)
        {
            _owned.Pop().Dispose();
        }

        Bridge.Dispose();
        GC.SuppressFinalize(this);
    }
}
