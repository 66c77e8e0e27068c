using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

/// <summary>
/// Makes sure every attribute of a map exists in the workspace with the right type before contacts (or, for model
/// "company", companies) carry it.
/// </summary>
public sealed class DataAttributeInitializer
{
    private readonly IntercomClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _ensureGate = new SemaphoreSlim(1, 1);
    private readonly ConcurrentDictionary<string, bool> _ensured =
        new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
    private volatile bool _ensuredOnce;

    /// <param name="model">"contact" (the default) or "company": Intercom keeps each model's attributes, and its limit,
    /// apart.</param>
    public DataAttributeInitializer(IntercomClient client, ILogger? logger = null, string model = "contact")
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _logger = logger ?? NullLogger.Instance;
        if (model != "contact" && model != "company")
        {
            throw new ArgumentException($"Data attributes belong to model contact or company, not '{model}'.",
                nameof(model));
        }

        Model = model;
    }

    /// <summary>The Intercom model whose attributes this initializer lists and creates.</summary>
    public string Model { get; }

    /// <summary>Intercom's limit of custom attributes per workspace and model.</summary>
    public int MaxCustomAttributes { get; set; } = 250;

    /// <summary>Attribute creates sent side by side.</summary>
    private const int CreatesAtOnce = 8;

    /// <summary>
    /// Before a write carrying <paramref name="values"/>: checks the map's attributes once, then again only when a
    /// value names an attribute not made yet (a computed attribute whose type was unknown until a value showed up).
    /// </summary>
    public async Task EnsureBeforeWriteAsync(AttributeMap map, IReadOnlyDictionary<string, object?> values,
        CancellationToken cancellationToken)
    {
        if (_ensuredOnce && AllEnsured(values))
        {
            return;
        }

        await _ensureGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ensuredOnce && AllEnsured(values))
            {
                return;
            }

            var results = await EnsureAsync(map, whatIf: false, cancellationToken).ConfigureAwait(false);
            foreach (var r in results.Where(r => r.Action != DataAttributeAction.Deferred))
            {
                _ensured[r.Name] = true;
            }

            _ensuredOnce = true;
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    /// <summary>
    /// Creates the attributes <see cref="CreatesAtOnce"/> at a time (a first sync into a new workspace makes a few
    /// dozen, and each is a round trip), then logs them in map order. When a create fails, the first failure in map
    /// order is thrown once the others have ended.
    /// </summary>
    private async Task CreateAllAsync(IReadOnlyList<AttributeDefinition> attributes,
        CancellationToken cancellationToken)
    {
        using var turns = new SemaphoreSlim(CreatesAtOnce);
        var creates = attributes.Select(async attribute =>
        {
            await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _client.CreateDataAttributeAsync(attribute.Name, attribute.DataType!.Value,
                    attribute.Description, Model, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                turns.Release();
            }
        }).ToList();
        try
        {
            await Task.WhenAll(creates).ConfigureAwait(false);
        }
        catch
        {
            // Task.WhenAll throws whichever failure came first in time; the caller gets the first in map order.
            await creates.First(t => t.IsFaulted || t.IsCanceled).ConfigureAwait(false);
            throw;
        }
        finally
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                if (creates[i].Status == TaskStatus.RanToCompletion)
                {
                    LogCreated(attributes[i]);
                }
            }
        }
    }

    private void LogCreated(AttributeDefinition attribute)
    {
        if (Model == "contact")
        {
            _logger.LogInformation("Created Intercom attribute {Name} ({DataType})", attribute.Name,
                attribute.DataType!.Value.ToWireName());
        }
        else
        {
            _logger.LogInformation("Created Intercom {Model} attribute {Name} ({DataType})", Model, attribute.Name,
                attribute.DataType!.Value.ToWireName());
        }
    }

    private bool AllEnsured(IReadOnlyDictionary<string, object?> values) =>
        values.All(p => p.Value == null || _ensured.ContainsKey(p.Key));

    /// <summary>
    /// One list call, then creates only what is missing. Every check (type clashes, room in the workspace)
    /// runs before the first create, so a failure leaves the workspace as it was.
    /// </summary>
    public async Task<IReadOnlyList<DataAttributeResult>> EnsureAsync(AttributeMap map, bool whatIf,
        CancellationToken cancellationToken = default)
    {
        if (map == null)
        {
            throw new ArgumentNullException(nameof(map));
        }

        var existing = (await _client.ListDataAttributesAsync(Model, cancellationToken).ConfigureAwait(false))
            .Where(a => !a.Archived)
            .GroupBy(a => a.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var results = new List<DataAttributeResult>();
        var missing = new List<AttributeDefinition>();
        foreach (var attribute in map.Attributes)
        {
            var wanted = attribute.DataType;
            if (existing.TryGetValue(attribute.Name, out var found))
            {
                if (!found.Custom)
                {
                    throw new DataAttributeConflictException(attribute.Name, "a standard (non-custom) attribute",
                        wanted?.ToWireName() ?? "a custom attribute");
                }

                if (wanted != null && found.Type != wanted)
                {
                    throw new DataAttributeConflictException(attribute.Name, found.DataType, wanted.Value.ToWireName());
                }

                results.Add(new DataAttributeResult(attribute.Name, found.Type, DataAttributeAction.Exists));
            }
            else if (wanted == null)
            {
                results.Add(new DataAttributeResult(attribute.Name, null, DataAttributeAction.Deferred));
            }
            else
            {
                missing.Add(attribute);
            }
        }

        var customCount = existing.Values.Count(a => a.Custom);
        if (customCount + missing.Count > MaxCustomAttributes)
        {
            throw new DataAttributeLimitException(customCount, missing.Select(a => a.Name).ToList(),
                MaxCustomAttributes);
        }

        if (whatIf)
        {
            results.AddRange(missing.Select(a =>
                new DataAttributeResult(a.Name, a.DataType, DataAttributeAction.WouldCreate)));
        }
        else
        {
            await CreateAllAsync(missing, cancellationToken).ConfigureAwait(false);
            results.AddRange(missing.Select(a =>
                new DataAttributeResult(a.Name, a.DataType, DataAttributeAction.Created)));
        }

        // Report in map order, whatever order the work happened in.
        var order =
            map.Attributes.Select((a, i) => (a.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        return results.OrderBy(r => order[r.Name]).ToList();
    }
}
