using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// Everything the fake Intercom holds: contacts, companies (FakeIntercomState.Companies.cs), data attributes,
/// counters, armed faults and a request log. One lock guards the data so that uniqueness checks and writes are
/// atomic, as they are in Intercom.
/// </summary>
public sealed partial class FakeIntercomState
{
    public const string WorkspaceId = "fake_workspace_0000000000000000000000000";
    private const int MaxRequestLog = 20_000;
    private const int MaxPerPage = 150;
    private const int MaxTextLength = 255;
    private const int MaxEmailLength = 254;
    private const int MaxEmailLocalPart = 64;
    private static readonly System.Text.RegularExpressions.Regex EmailShape = new(@"^[^@\s]+@[^@\s]+\.[^@\s.]+$");

    private static readonly string[] StandardAttributes =
        ["name", "email", "phone", "external_id", "role", "created_at", "signed_up_at"];

    private readonly object _gate = new();
    private readonly FakeIntercomOptions _options;
    /// <summary>In creation order, which is Sequence order (see AddContact); list pages rely on it.</summary>
    private readonly List<FakeContact> _contacts = new();
    // Indexes, so that 100,000 contacts do not make every lookup a scan. The lists hold every contact that ever had the
    // key, in creation order (the order the scans found them in); lookups re-check the current values, so the entries
    // an update or a merge leaves behind are harmless.
    private readonly Dictionary<string, FakeContact> _contactsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeContact>> _contactsByExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeContact>> _contactsByEmail = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Comparer<FakeContact> BySequence =
        Comparer<FakeContact>.Create((a, b) => a.Sequence.CompareTo(b.Sequence));
    private readonly List<FakeDataAttribute> _attributes = new();
    private readonly List<FakeFault> _faults = new();
    private readonly ConcurrentQueue<FakeRecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _versionsSeen = new(StringComparer.Ordinal);
    private long _sequence;
    private long _windowStart;
    private int _windowCount;

    public FakeIntercomState(FakeIntercomOptions options)
    {
        _options = options;
        Reset();
    }

    public FakeIntercomCounters Counters { get; } = new();

    /// <summary>Intercom-Version header values seen, with how often ("(none)" when absent).</summary>
    public IReadOnlyDictionary<string, int> VersionsSeen => new Dictionary<string, int>(_versionsSeen);

    public IReadOnlyList<FakeRecordedRequest> Requests => _requests.ToArray();

    /// <summary>Every contact ever stored, archived and merged ones included (copies of the live objects are not made:
    /// read only).</summary>
    public IReadOnlyList<FakeContact> Contacts { get { lock (_gate) { return _contacts.ToList(); } } }

    public IReadOnlyList<FakeDataAttribute> DataAttributes { get { lock (_gate) { return _attributes.ToList(); } } }

    public void Reset()
    {
        lock (_gate)
        {
            _contacts.Clear();
            _contactsById.Clear();
            _contactsByExternalId.Clear();
            _contactsByEmail.Clear();
            ResetCompanies();
            ResetDataEvents();
            ResetBulkJobs();
            _attributes.Clear();
            _faults.Clear();
            _requests.Clear();
            _versionsSeen.Clear();
            Counters.Reset();
            _windowCount = 0;
            foreach (var name in StandardAttributes)
            {
                _attributes.Add(
                    new FakeDataAttribute
                    {
                        Id = Interlocked.Increment(ref _sequence),
                        Name = name,
                        DataType = name.EndsWith("_at") ? "date" : "string",
                        Custom = false,
                        CreatedAt = Now()
                    });
            }

            foreach (var (name, dataType) in StandardCompanyAttributes)
            {
                _attributes.Add(
                    new FakeDataAttribute
                    {
                        Id = Interlocked.Increment(ref _sequence),
                        Name = name,
                        Model = "company",
                        DataType = dataType,
                        Custom = false,
                        CreatedAt = Now()
                    });
            }
        }
    }

    /// <summary>The contact's JSON, taken under the lock so a concurrent write cannot tear it.</summary>
    public JsonObject Snapshot(FakeContact contact)
    {
        lock (_gate)
        {
            return contact.ToJson();
        }
    }

    public void ClearRequestLog() => _requests.Clear();

    internal void Record(FakeRecordedRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > MaxRequestLog)
        {
            _requests.TryDequeue(out _);
        }
    }

    internal void SawVersion(string? version) => _versionsSeen.AddOrUpdate(version ?? "(none)", 1, (_, n) => n + 1);

    // ---- faults ----

    /// <param name="after">Matching requests to let through first.</param>
    /// <param name="containing">Only requests whose path, query or body contain this text (one customer's
    /// requests).</param>
    public void ArmFault(FakeFaultKind kind, int count = 1, string? route = null, int after = 0,
        string? containing = null)
    {
        lock (_gate)
        {
            _faults.Add(
                new FakeFault
                {
                    Kind = kind,
                    Remaining = count,
                    Route = route,
                    After = after,
                    Containing = containing
                });
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    internal FakeFaultKind? TakeFault(string route, string request = "")
    {
        lock (_gate)
        {
            // A lost bulk job can only happen to a bulk write, so that fault waits for one whatever its route.
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && (f.Route is null || f.Route == route)
                && (f.Kind != FakeFaultKind.LoseBulkJob || FakeBulkApi.IsBulkWrite(route))
                && (f.Containing is null || request.Contains(f.Containing, StringComparison.Ordinal)));
            if (fault is null)
            {
                return null;
            }

            if (fault.After > 0)
            {
                fault.After--;
                return null;
            }
            if (--fault.Remaining == 0)
            {
                _faults.Remove(fault);
            }

            return fault.Kind;
        }
    }

    // ---- rate limit ----

    internal (bool Allowed, int Limit, int Remaining, long Reset) ConsumeRateLimit()
    {
        var limit = _options.WindowLimit;
        lock (_gate)
        {
            var now = Now();
            var windowStart = now - now % 10;
            if (windowStart != _windowStart) { _windowStart = windowStart; _windowCount = 0; }
            var reset = windowStart + 10;
            if (limit <= 0)
            {
                return (true, 0, 0, reset);
            }

            if (_windowCount >= limit)
            {
                return (false, limit, 0, reset);
            }

            _windowCount++;
            return (true, limit, limit - _windowCount, reset);
        }
    }

    // ---- contacts ----

    public JsonObject ListContacts(int perPage, string? startingAfter)
    {
        var synthetic = _options.SyntheticContacts;
        if (synthetic > 0 && startingAfter is not null && DecodeSyntheticCursor(startingAfter) is { } after)
        {
            return SyntheticPage(perPage, after, synthetic);
        }

        lock (_gate)
        {
            var page = Page(_contacts, c => c.IsVisible, perPage, startingAfter);
            if (synthetic > 0)
            {
                // The stored contacts come first; the last of their pages points at the generated ones.
                page["total_count"] = page["total_count"]!.GetValue<int>() + synthetic;
                if (page["pages"] is JsonObject pages && pages["next"] is null)
                {
                    pages["next"] =
                        new JsonObject { ["per_page"] = perPage, ["starting_after"] = EncodeSyntheticCursor(-1) };
                }
            }
            return page;
        }
    }

    private JsonObject SyntheticPage(int perPage, long after, int synthetic)
    {
        if (perPage < 1 || perPage > MaxPerPage)
        {
            throw FakeIntercomError.Invalid($"per_page must be between 1 and {MaxPerPage}", "per_page");
        }

        var data = new JsonArray();
        var last = after;
        for (var n = after + 1; n < synthetic && data.Count < perPage; n++)
        {
            var contact = new FakeContact
            {
                Sequence = -1,
                Id = $"5a11f0dd{n:x16}",
                Role = "user",
                ExternalId = $"app_synthetic_{n}",
                Email = $"synthetic{n}@app.example.org",
                Name = $"App User {n}",
                CreatedAt = 1_700_000_000,
                UpdatedAt = 1_700_000_000,
            };
            contact.CustomAttributes["app_plan_tier"] = n % 3 == 0 ? "team" : "solo";
            contact.CustomAttributes["app_seats"] = (int)(n % 50);
            data.Add(contact.ToJson());
            last = n;
        }
        var pages = new JsonObject
        {
            ["type"] = "pages",
            ["page"] = 1,
            ["per_page"] = perPage,
            ["total_pages"] = (synthetic + perPage - 1) / perPage
        };
        if (last + 1 < synthetic)
        {
            pages["next"] = new JsonObject { ["per_page"] = perPage, ["starting_after"] = EncodeSyntheticCursor(last) };
        }

        int stored;
        lock (_gate)
        {
            stored = _contacts.Count(c => c.IsVisible);
        }

        return new JsonObject
        {
            ["type"] = "list",
            ["data"] = data,
            ["total_count"] = stored + synthetic,
            ["pages"] = pages
        };
    }

    private static string EncodeSyntheticCursor(long n) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("synthetic:" + n));

    private static long? DecodeSyntheticCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("synthetic:", StringComparison.Ordinal)
                && long.TryParse(text["synthetic:".Length..], out var n) ? n : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public FakeContact GetContact(string id)
    {
        lock (_gate)
        {
            return ById(id) is { MergedInto: false } contact ? contact : throw FakeIntercomError.NotFound("User");
        }
    }

    public FakeContact FindByExternalId(string externalId)
    {
        lock (_gate)
        {
            return VisibleUserWithExternalId(externalId) ?? throw FakeIntercomError.NotFound("User");
        }
    }

    public FakeContact CreateContact(JsonObject body)
    {
        lock (_gate)
        {
            var role = OptionalString(body, "role") ?? "user";
            if (role is not ("user" or "lead"))
            {
                throw FakeIntercomError.Invalid($"role must be user or lead, not '{role}'", "role");
            }

            var externalId = OptionalString(body, "external_id");
            var email = OptionalString(body, "email");
            if (role == "user" && externalId is null && email is null)
            {
                throw new FakeIntercomError(400, "parameter_not_found", "A user needs an external_id or an email");
            }
            // Users may share an email when their external_ids differ (an app identifies users by its own id); an email
            // alone matches a user that has no external_id, or any user when the new one has none.
            bool Holds(FakeContact c) => c.IsVisible && c.IsUser &&
                ((externalId is not null && c.ExternalId == externalId) ||
                 (email is not null && string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase)
                     && (externalId is null || c.ExternalId is null)));
            // A holder matches by external_id or by email, so it is in one of the two lists; the earlier of their
            // first holders is the first holder in creation order.
            var byExternalId =
                externalId is null ? null : Candidates(_contactsByExternalId, externalId).FirstOrDefault(Holds);
            var byEmail = email is null ? null : Candidates(_contactsByEmail, email).FirstOrDefault(Holds);
            var holder = byExternalId is null || (byEmail is not null && byEmail.Sequence < byExternalId.Sequence)
                ? byEmail : byExternalId;
            if (holder is not null)
            {
                throw Conflict(holder);
            }

            ValidateStandardFields(body);
            var custom = ValidateCustomAttributes(body);
            var contact = NewContact(role, externalId, email, OptionalString(body, "name"));
            contact.Phone = OptionalString(body, "phone");
            contact.SignedUpAt = OptionalLong(body, "signed_up_at");
            foreach (var (k, v) in custom)
            {
                contact.CustomAttributes[k] = v;
            }

            contact.SearchableFrom = DateTimeOffset.UtcNow.AddSeconds(_options.SearchLagSeconds);
            AddContact(contact);
            return contact;
        }
    }

    public FakeContact UpdateContact(string id, JsonObject body)
    {
        lock (_gate)
        {
            var contact = VisibleById(id) ?? throw FakeIntercomError.NotFound("User");
            ValidateStandardFields(body);
            var custom = ValidateCustomAttributes(body);
            if (body.ContainsKey("role"))
            {
                var role = OptionalString(body, "role");
                if (role is not ("user" or "lead"))
                {
                    throw FakeIntercomError.Invalid($"role must be user or lead, not '{role}'", "role");
                }
                // Intercom converts a lead into a user, never a user back into a lead.
                if (contact.IsUser && role == "lead")
                {
                    throw FakeIntercomError.Invalid("A user cannot be converted to a lead", "role");
                }

                if (!contact.IsUser && role == "user" && !_options.AllowLeadToUserUpdate)
                {
                    throw FakeIntercomError.Invalid(
                        "A lead cannot be converted to a user by an update; merge it into a user", "role");
                }

                contact.Role = role;
            }
            if (body.ContainsKey("external_id"))
            {
                var externalId = OptionalString(body, "external_id");
                var holder = externalId is null ? null
                    : Candidates(_contactsByExternalId, externalId)
                        .FirstOrDefault(c => c != contact && c.IsVisible && c.IsUser && c.ExternalId == externalId);
                if (holder is not null)
                {
                    throw Conflict(holder);
                }

                contact.ExternalId = externalId;
            }
            if (body.ContainsKey("email"))
            {
                contact.Email = OptionalString(body, "email");
            }

            if (body.ContainsKey("name"))
            {
                contact.Name = OptionalString(body, "name");
            }

            if (body.ContainsKey("phone"))
            {
                contact.Phone = OptionalString(body, "phone");
            }

            if (body.ContainsKey("signed_up_at"))
            {
                contact.SignedUpAt = OptionalLong(body, "signed_up_at");
            }

            foreach (var (k, v) in custom)
            {
                contact.CustomAttributes[k] = v;
            }

            contact.UpdatedAt = Now();
            contact.SearchableFrom = DateTimeOffset.UtcNow.AddSeconds(_options.SearchLagSeconds);
            return contact;
        }
    }

    public JsonObject Search(JsonObject body)
    {
        var query = body["query"] as JsonObject ?? throw FakeIntercomError.Invalid("query is required", "query");
        var pagination = body["pagination"] as JsonObject;
        var perPage = (int?)OptionalLong(pagination, "per_page") ?? 50;
        var startingAfter = OptionalString(pagination, "starting_after");
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var matches = _contacts.Where(c => c.IsVisible && c.SearchableFrom <= now
                && ContactSearchFilter.Matches(query, c)).ToList();
            return Page(matches, _ => true, perPage, startingAfter);
        }
    }

    public FakeContact Merge(JsonObject body)
    {
        var fromId = OptionalString(body, "from") ?? throw FakeIntercomError.Invalid("from is required", "from");
        var intoId = OptionalString(body, "into") ?? throw FakeIntercomError.Invalid("into is required", "into");
        lock (_gate)
        {
            var from = VisibleById(fromId) ?? throw FakeIntercomError.NotFound("User");
            var into = VisibleById(intoId) ?? throw FakeIntercomError.NotFound("User");
            if (from.IsUser)
            {
                throw FakeIntercomError.Invalid("from must be a lead", "from");
            }

            if (!into.IsUser)
            {
                throw FakeIntercomError.Invalid("into must be a user", "into");
            }
            // The user keeps its own values; the lead contributes what the user lacks.
            into.Email ??= from.Email;
            into.Name ??= from.Name;
            foreach (var (k, v) in from.CustomAttributes)
            {
                if (!into.CustomAttributes.ContainsKey(k))
                {
                    into.CustomAttributes[k] = v?.DeepClone();
                }
            }

            from.MergedInto = true;
            into.UpdatedAt = Now();
            into.SearchableFrom = DateTimeOffset.UtcNow.AddSeconds(_options.SearchLagSeconds);
            return into;
        }
    }

    public FakeContact Archive(string id)
    {
        lock (_gate)
        {
            var contact = ById(id) is { MergedInto: false } found ? found : throw FakeIntercomError.NotFound("User");
            contact.Archived = true;
            return contact;
        }
    }

    /// <summary>Stores a contact as given: no uniqueness or attribute checks, searchable at once (it stands for old
    /// data).</summary>
    public FakeContact Seed(JsonObject body)
    {
        lock (_gate)
        {
            var contact = NewContact(OptionalString(body, "role") ?? "user", OptionalString(body, "external_id"),
                OptionalString(body, "email"), OptionalString(body, "name"));
            if (body["custom_attributes"] is JsonObject custom)
            {
                foreach (var (k, v) in custom)
                {
                    contact.CustomAttributes[k] = v?.DeepClone();
                }
            }

            contact.Archived = body["archived"]?.GetValue<bool>() ?? false;
            contact.SearchableFrom = DateTimeOffset.MinValue;
            AddContact(contact);
            return contact;
        }
    }

    public FakeContact Seed(string role, string? externalId, string? email, string? name = null,
        IDictionary<string, object?>? customAttributes = null)
    {
        var body = new JsonObject { ["role"] = role, ["external_id"] = externalId, ["email"] = email, ["name"] = name };
        if (customAttributes is not null)
        {
            body["custom_attributes"] = JsonSerializer.SerializeToNode(customAttributes);
        }

        return Seed(body);
    }

    // ---- data attributes ----

    public JsonObject ListDataAttributes(string? model)
    {
        lock (_gate)
        {
            var data = new JsonArray();
            foreach (var a in _attributes.Where(a => model is null || a.Model == model))
            {
                data.Add(a.ToJson());
            }

            return new JsonObject { ["type"] = "list", ["data"] = data };
        }
    }

    public FakeDataAttribute CreateDataAttribute(JsonObject body)
    {
        var name = OptionalString(body, "name") ?? throw FakeIntercomError.Invalid("name is required", "name");
        var model = OptionalString(body, "model") ?? throw FakeIntercomError.Invalid("model is required", "model");
        var dataType =
            OptionalString(body, "data_type") ?? throw FakeIntercomError.Invalid("data_type is required", "data_type");
        if (model is not ("contact" or "company"))
        {
            throw FakeIntercomError.Invalid($"model '{model}' is not contact or company", "model");
        }

        if (dataType is not ("string" or "integer" or "float" or "boolean" or "date" or "datetime"))
        {
            throw FakeIntercomError.Invalid($"data_type '{dataType}' is not valid", "data_type");
        }

        lock (_gate)
        {
            if (_attributes.Any(a => a.Model == model && a.Name == name))
            {
                throw FakeIntercomError.Invalid(
                    $"You already have '{name}' in your workspace. Please pick another name.", "name");
            }

            if (_attributes.Count(a => a.Model == model && a.Custom) >= _options.MaxCustomAttributes)
            {
                throw FakeIntercomError.Invalid(
                    $"You have reached the limit of {_options.MaxCustomAttributes} custom attributes", "name");
            }

            var attribute = new FakeDataAttribute
            {
                Id = Interlocked.Increment(ref _sequence),
                Name = name,
                Model = model,
                DataType = dataType == "datetime" ? "date" : dataType,
                Description = OptionalString(body, "description"),
                CreatedAt = Now(),
            };
            _attributes.Add(attribute);
            return attribute;
        }
    }

    // ---- helpers ----

    private FakeContact NewContact(string role, string? externalId, string? email, string? name)
    {
        var seq = Interlocked.Increment(ref _sequence);
        var now = Now();
        return new FakeContact
        {
            Sequence = seq,
            Id = $"6762f0dd{seq:x16}",
            Role = role,
            ExternalId = externalId,
            Email = email,
            Name = name,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Stores a new contact; callers hold the lock from NewContact on, so Sequence grows along the
    /// list.</summary>
    private void AddContact(FakeContact contact)
    {
        if (_contacts.Count > 0 && _contacts[^1].Sequence >= contact.Sequence)
        {
            throw new InvalidOperationException("Contacts must be stored in Sequence order");
        }

        _contacts.Add(contact);
        _contactsById.Add(contact.Id, contact);
        contact.Store = this;
        Reindex(contact);
    }

    /// <summary>Files the contact under its current external_id and email (FakeContact's setters call this).</summary>
    internal void Reindex(FakeContact contact)
    {
        lock (_gate)
        {
            // A contact from before a Reset is no longer stored here.
            if (!_contactsById.TryGetValue(contact.Id, out var stored) || stored != contact)
            {
                return;
            }

            AddToIndex(_contactsByExternalId, contact.ExternalId, contact);
            AddToIndex(_contactsByEmail, contact.Email, contact);
        }
    }

    private static void AddToIndex(Dictionary<string, List<FakeContact>> index, string? key, FakeContact contact)
    {
        if (key is null)
        {
            return;
        }

        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = new List<FakeContact>();
        }

        var at = list.BinarySearch(contact, BySequence);
        if (at < 0)
        {
            list.Insert(~at, contact);
        }
    }

    /// <summary>The contacts that may have this key, in creation order; a null key is not indexed, so that is all of
    /// them.</summary>
    private IReadOnlyList<FakeContact> Candidates(Dictionary<string, List<FakeContact>> index, string? key) =>
        key is null ? _contacts : index.TryGetValue(key, out var list) ? list : [];

    private FakeContact? ById(string? id) =>
        id is not null && _contactsById.TryGetValue(id, out var contact) ? contact : null;

    private FakeContact? VisibleById(string? id) => ById(id) is { IsVisible: true } contact ? contact : null;

    private FakeContact? VisibleUserWithExternalId(string? externalId) =>
        Candidates(_contactsByExternalId, externalId)
            .FirstOrDefault(c => c.IsVisible && c.IsUser && c.ExternalId == externalId);

    private static FakeIntercomError Conflict(FakeContact holder) =>
        new(409, "conflict", $"A contact matching those details already exists with id={holder.Id}");

    /// <summary>
    /// What Intercom refuses in a contact's standard fields, with a 400 naming the field: text over 255
    /// characters (counted as Intercom counts them, in code points), an email that is not an address or is longer
    /// than an address can be (254, local part 64).
    /// </summary>
    private static void ValidateStandardFields(JsonObject body)
    {
        foreach (var field in new[] { "name", "external_id", "phone" })
        {
            if (OptionalString(body, field) is { } text && Characters(text) > MaxTextLength)
            {
                throw FakeIntercomError.Invalid($"{field} is too long (maximum is {MaxTextLength} characters)", field);
            }
        }

        if (OptionalString(body, "email") is { } email)
        {
            var at = email.LastIndexOf('@');
            if (Characters(email) > MaxEmailLength || at > MaxEmailLocalPart)
            {
                throw FakeIntercomError.Invalid(
                    $"email is too long (maximum is {MaxEmailLength} characters, {MaxEmailLocalPart} before the @)",
                    "email");
            }

            if (!EmailShape.IsMatch(email))
            {
                throw FakeIntercomError.Invalid("email is not a valid email address", "email");
            }
        }
    }

    private static int Characters(string text) => text.EnumerateRunes().Count();

    private Dictionary<string, JsonNode?> ValidateCustomAttributes(JsonObject body, string model = "contact")
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (body["custom_attributes"] is not JsonObject custom)
        {
            return result;
        }

        foreach (var (name, value) in custom)
        {
            var attribute = _attributes.FirstOrDefault(a => a.Model == model && a.Custom && a.Name == name)
                ?? throw FakeIntercomError.Invalid($"Custom attribute '{name}' does not exist", "custom_attributes");
            if (value is not null && !HasType(value, attribute.DataType))
            {
                throw FakeIntercomError.Invalid(
                    $"Custom attribute '{name}' must be of type {attribute.DataType}, got {value.ToJsonString()}",
                    "custom_attributes");
            }

            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String
                && Characters(text.GetValue<string>()) > MaxTextLength)
            {
                throw FakeIntercomError.Invalid(
                    $"Custom attribute '{name}' is too long (maximum is {MaxTextLength} characters)",
                    "custom_attributes");
            }

            result[name] = value?.DeepClone();
        }
        return result;
    }

    private static bool HasType(JsonNode value, string dataType)
    {
        if (value is not JsonValue v)
        {
            return false;
        }

        var kind = v.GetValueKind();
        return dataType switch
        {
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "float" => kind == JsonValueKind.Number,
            "integer" or "date" => kind == JsonValueKind.Number && v.TryGetValue<long>(out _)
                || kind == JsonValueKind.Number && IsWhole(v),
            _ => true,
        };
    }

    private static bool IsWhole(JsonValue v) => decimal.TryParse(v.ToJsonString(),
        System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
        && d == decimal.Truncate(d);

    /// <summary>
    /// One page of the contacts that <paramref name="listed"/> picks out of <paramref name="contacts"/>, which must be
    /// in Sequence order (the store's order). The cursor's place is found by binary search; the counts behind
    /// total_count and the page number are one pass of cheap checks, not a sort.
    /// </summary>
    private static JsonObject Page(List<FakeContact> contacts, Func<FakeContact, bool> listed, int perPage,
        string? startingAfter)
    {
        if (perPage < 1 || perPage > MaxPerPage)
        {
            throw FakeIntercomError.Invalid($"per_page must be between 1 and {MaxPerPage}", "per_page");
        }

        var after = startingAfter is null ? 0 : DecodeCursor(startingAfter);
        var start = FirstAfter(contacts, after);
        var before = 0;
        for (var i = 0; i < start; i++)
        {
            if (listed(contacts[i]))
            {
                before++;
            }
        }

        var total = before;
        var page = new List<FakeContact>();
        for (var i = start; i < contacts.Count; i++)
        {
            if (!listed(contacts[i]))
            {
                continue;
            }

            total++;
            if (page.Count < perPage)
            {
                page.Add(contacts[i]);
            }
        }
        var data = new JsonArray();
        foreach (var c in page)
        {
            data.Add(c.ToJson());
        }

        var totalPages = (total + perPage - 1) / perPage;
        var pages = new JsonObject
        {
            ["type"] = "pages",
            ["page"] = before / perPage + 1,
            ["per_page"] = perPage,
            ["total_pages"] = totalPages,
        };
        if (page.Count > 0 && before + page.Count < total)
        {
            pages["next"] =
                new JsonObject { ["per_page"] = perPage, ["starting_after"] = EncodeCursor(page[^1].Sequence) };
        }

        return new JsonObject { ["type"] = "list", ["data"] = data, ["total_count"] = total, ["pages"] = pages };
    }

    /// <summary>The index of the first contact with a Sequence above <paramref name="after"/> (contacts in Sequence
    /// order).</summary>
    private static int FirstAfter(List<FakeContact> contacts, long after)
    {
        int lo = 0, hi = contacts.Count;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (contacts[mid].Sequence <= after)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static string EncodeCursor(long sequence) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + sequence));

    private static long DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("after:") && long.TryParse(text[6..], out var seq))
            {
                return seq;
            }
        }
        catch (FormatException) { }
        throw FakeIntercomError.Invalid("starting_after is not a valid cursor", "starting_after");
    }

    internal static string? OptionalString(JsonObject? body, string name) =>
        body?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    internal static long? OptionalLong(JsonObject? body, string name) =>
        body?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v.GetValue<double>() : null;

    internal static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
