using System;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Runs;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>Runs computed attributes (scriptblocks) on the pipeline thread, which pumps while the job works.</summary>
internal sealed class PipelineThreadHost : IComputedAttributeHost
{
    private readonly PipelineBridge _bridge;

    public PipelineThreadHost(PipelineBridge bridge) => _bridge = bridge;

    public Task<T> RunAsync<T>(Func<T> evaluate, CancellationToken cancellationToken) => _bridge.OnPipelineThread(
        evaluate);
}
