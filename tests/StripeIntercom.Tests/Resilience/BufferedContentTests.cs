using System.Net;
using Microsoft.AspNetCore.Http;
using StripeIntercom.Resilience;
using Xunit;
using static StripeIntercom.Tests.Resilience.ResilienceTestSetup;

namespace StripeIntercom.Tests.Resilience;

/// <summary>Response bodies are read inside the attempt, into small chunks, through the shipped handler
/// chain.</summary>
public sealed class BufferedContentTests
{
    // Several chunks and a partial last one; each byte differs from its neighbours, so a misplaced chunk shows.
    private static readonly byte[] LargeBody = Enumerable.Range(0, 200_003).Select(i => (byte)(i * 7 % 251)).ToArray();

    [Fact]
    public async Task A_large_body_arrives_whole_through_the_shared_transport_and_reads_the_same_in_any_piece_size()
    {
        await using var server =
            await ScriptedServer.StartAsync(context => context.Response.Body.WriteAsync(LargeBody).AsTask());
        using var transport = new SharedTransport(TimeSpan.FromMinutes(1));
        using var client = new HttpClient(
            ResilientHandlerFactory.Create(FastOptions(), null, new ResilienceCounters(), null,
            transport.CreateHandler()))
        {
            BaseAddress = server.BaseUrl,
        };

        using var response = await client.GetAsync("contacts", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(LargeBody.Length, response.Content.Headers.ContentLength);
        // HttpContent hands out one read stream per content: rewound, not disposed, between the reads.
        var stream = await response.Content.ReadAsStreamAsync();
        foreach (var piece in new[] { 1, 1000, 16 * 1024, 70_000 })
        {
            using var copy = new MemoryStream();
            stream.Position = 0;
            var buffer = new byte[piece];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, read);
            }

            Assert.Equal(LargeBody, copy.ToArray());
        }
    }

    [Fact]
    public async Task A_body_cut_off_midway_is_retried_inside_the_attempt_and_the_caller_gets_the_whole_second_one()
    {
        await using var server = await ScriptedServer.StartAsync(
            async context =>
            {
                context.Response.ContentLength = LargeBody.Length;
                await context.Response.Body.WriteAsync(LargeBody.AsMemory(0, 50_000));
                await context.Response.Body.FlushAsync();
                context.Abort();
            },
            context => context.Response.Body.WriteAsync(LargeBody).AsTask());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LargeBody, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, server.Hits);
        Assert.Equal(1, counters.ConnectionFailures);
    }
}
