using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace IsolationProbe;

/// <summary>
/// Another module that shares StripeIntercom's dependencies at other versions, loaded the ordinary way (its
/// assemblies beside its manifest, in the default load context). Runs a Polly retry and an ILogger call and says
/// which copy of each it ran on.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "IsolationProbe")]
[OutputType(typeof(PSObject))]
public sealed class TestIsolationProbeCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(
                new RetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    Delay = TimeSpan.Zero,
                    ShouldHandle = new PredicateBuilder().Handle<InvalidOperationException>()
                })
            .Build();
        var value = pipeline.Execute(() =>
        {
            attempts++;
            if (attempts < 2)
            {
                throw new InvalidOperationException("first attempt fails");
            }

            return 42;
        });

        ILogger logger = NullLoggerFactory.Instance.CreateLogger("IsolationProbe");
        logger.LogInformation("probe ran {Attempts} attempts", attempts);

        var result = new PSObject();
        result.Properties.Add(new PSNoteProperty("Value", value));
        result.Properties.Add(new PSNoteProperty("Attempts", attempts));
        Describe(result, "Polly", typeof(ResiliencePipeline).Assembly);
        Describe(result, "Logging", typeof(ILogger).Assembly);
        WriteObject(result);
    }

    private static void Describe(PSObject result, string prefix, Assembly assembly)
    {
        result.Properties.Add(new PSNoteProperty(prefix + "Path", assembly.Location));
        result.Properties.Add(
            new PSNoteProperty(prefix + "Version", FileVersionInfo.GetVersionInfo(assembly.Location).ProductVersion));
        result.Properties.Add(
            new PSNoteProperty(prefix + "Context", AssemblyLoadContext.GetLoadContext(assembly)?.Name));
    }
}
