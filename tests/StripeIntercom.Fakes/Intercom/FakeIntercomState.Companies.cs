using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// Companies, under the same lock as contacts (attaching touches both). Rules, from the 2.14 description unless
/// said otherwise: POST /companies creates or updates by company_id, which never changes; monthly_spend is an
/// integer (floats truncated, at most 2^31-1); plan is a name; custom attributes must exist as data attributes of
/// model company and match their type; a company without contacts can be fetched but is left out of list and
/// scroll; one scroll open per workspace, expiring after a minute unused (its error body is the one clients report:
/// 400 scroll_exists); a contact holds at most 1,000 companies.
/// </summary>
public sealed partial class FakeIntercomState
{
    /// <summary>GET /companies pages hold at most this many companies.</summary>
    public const int MaxCompaniesPerPage = 60;
    public const int DefaultCompaniesPerPage = 15;
    public const int MaxCompaniesPerContact = 1000;
    /// <summary>The longest string custom attribute value Intercom stores; the fake refuses longer ones instead of
    /// cutting them.</summary>
    public const int MaxCustomStringLength = 255;
    private const int ContactCompaniesPerPage = 50;

    private static readonly (string Name, string DataType)[] StandardCompanyAttributes =
    [
        ("company_id", "string"), ("name", "string"), ("plan", "string"), ("monthly_spend", "integer"),
            ("size", "integer"),
        ("website", "string"), ("industry", "string"), ("remote_created_at", "date"), ("created_at", "date"),
        ("last_request_at", "date"), ("user_count", "integer"), ("session_count", "integer"),
    ];

    private static readonly HashSet<string> CompanyWriteFields = new(StringComparer.Ordinal)
    {
        "company_id", "name", "plan", "size", "website", "industry", "custom_attributes", "remote_created_at",
            "monthly_spend",
    };

    private readonly List<FakeCompany> _companies = new();
    // Indexes, so a bulk run of 100,000 companies is not quadratic.
    private readonly Dictionary<string, FakeCompany> _companiesById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeCompany> _companiesByCompanyId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _planIds = new(StringComparer.Ordinal);
    private FakeCompanyScroll? _scroll;

    /// <summary>Every company, listed or not (the live objects: read only).</summary>
    public IReadOnlyList<FakeCompany> Companies { get { lock (_gate) { return _companies.ToList(); } } }

    private void ResetCompanies()
    {
        _companies.Clear();
        _companiesById.Clear();
        _companiesByCompanyId.Clear();
        _planIds.Clear();
        _scroll = null;
    }

    /// <summary>The company's JSON, taken under the lock.</summary>
    public JsonObject Snapshot(FakeCompany company)
    {
        lock (_gate)
        {
            return CompanyJson(company);
        }
    }

    public FakeCompany UpsertCompany(JsonObject body)
    {
        foreach (var (key, _) in body)
        {
            if (!CompanyWriteFields.Contains(key))
            {
                throw new FakeIntercomError(400, "bad_request", $"bad '{key}' parameter", key);
            }
        }

        var companyId =
            StringField(body, "company_id") ?? throw FakeIntercomError.Invalid("company_id is required", "company_id");
        // Every field is checked before anything is stored, so a refused request leaves no trace.
        var name = StringField(body, "name");
        var plan = StringField(body, "plan");
        var website = StringField(body, "website");
        var industry = StringField(body, "industry");
        var monthlySpend = MonthlySpend(body);
        var size = IntegerField(body, "size");
        var remoteCreatedAt = IntegerField(body, "remote_created_at");
        lock (_gate)
        {
            var custom = ValidateCustomAttributes(body, "company");
            foreach (var (key, value) in custom)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                    && v.GetValue<string>().Length > MaxCustomStringLength)
                {
                    throw FakeIntercomError.Invalid(
                        $"Custom attribute '{key}' is longer than {MaxCustomStringLength} characters",
                        "custom_attributes");
                }
            }

            var company = CompanyFor(companyId);
            if (body.ContainsKey("name"))
            {
                company.Name = name;
            }

            if (body.ContainsKey("plan"))
            {
                SetPlan(company, plan);
            }

            if (body.ContainsKey("website"))
            {
                company.Website = website;
            }

            if (body.ContainsKey("industry"))
            {
                company.Industry = industry;
            }

            if (monthlySpend is { } spend)
            {
                company.MonthlySpend = spend;
            }

            if (body.ContainsKey("size"))
            {
                company.Size = size;
            }

            if (body.ContainsKey("remote_created_at"))
            {
                company.RemoteCreatedAt = remoteCreatedAt;
            }

            foreach (var (k, v) in custom)
            {
                company.CustomAttributes[k] = v;
            }

            company.UpdatedAt = Now();
            return company;
        }
    }

    /// <summary>The Intercom ids of the contacts attached to a company, copied under the lock.</summary>
    public IReadOnlyList<string> ContactIdsOf(FakeCompany company)
    {
        lock (_gate)
        {
            return company.ContactIds.ToList();
        }
    }

    public FakeCompany GetCompany(string id)
    {
        lock (_gate)
        {
            return _companiesById.TryGetValue(id, out var company) ? company : throw CompanyNotFound();
        }
    }

    /// <summary>Finds a company by the app's company_id, listed or not.</summary>
    public FakeCompany FindCompanyByCompanyId(string companyId)
    {
        lock (_gate)
        {
            return _companiesByCompanyId.TryGetValue(companyId, out var company) ? company : throw CompanyNotFound();
        }
    }

    public FakeCompany FindCompanyByName(string name)
    {
        lock (_gate)
        {
            return _companies.FirstOrDefault(c => c.Name == name) ?? throw CompanyNotFound();
        }
    }

    /// <summary>The answer to GET /companies?company_id= (or ?name=): see
    /// <see cref="FakeIntercomOptions.CompanyLookupAsObject"/>.</summary>
    public JsonObject CompanyLookup(FakeCompany company)
    {
        lock (_gate)
        {
            var json = CompanyJson(company);
            if (_options.CompanyLookupAsObject)
            {
                return json;
            }

            return CompanyList([json], 1, DefaultCompaniesPerPage, 1);
        }
    }

    /// <summary>A page of the listed companies, newest first unless <paramref name="ascending"/>.</summary>
    public JsonObject ListCompanies(int page, int perPage, bool ascending = false)
    {
        if (perPage < 1 || perPage > MaxCompaniesPerPage)
        {
            throw FakeIntercomError.Invalid($"per_page must be between 1 and {MaxCompaniesPerPage}", "per_page");
        }

        if (page < 1)
        {
            throw FakeIntercomError.Invalid("page must be 1 or more", "page");
        }

        if ((long)(page - 1) * perPage >= _options.MaxCompanyListDepth && page > 1)
        {
            throw FakeIntercomError.Invalid(
                $"Companies can be paged only {_options.MaxCompanyListDepth} deep; use the scroll API", "page");
        }

        lock (_gate)
        {
            var listed = _companies.Where(c => c.IsListed);
            var ordered =
                (ascending ? listed.OrderBy(c => c.Sequence) : listed.OrderByDescending(c => c.Sequence)).ToList();
            var data = ordered.Skip((page - 1) * perPage).Take(perPage).Select(CompanyJson).ToList();
            return CompanyList(data, page, perPage, ordered.Count);
        }
    }

    /// <summary>GET /companies/scroll: starts the workspace's one scroll (no param) or continues it.</summary>
    public JsonObject ScrollCompanies(string? scrollParam)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var expiry = _options.CompanyScrollExpirySeconds;
            if (string.IsNullOrEmpty(scrollParam))
            {
                if (_scroll?.IsOpen(now, expiry) == true)
                {
                    throw new FakeIntercomError(400, "scroll_exists", "scroll already exists for this app");
                }

                _scroll = new FakeCompanyScroll
                {
                    Param = Guid.NewGuid().ToString(),
                    CompanyIds = _companies.Where(c => c.IsListed).OrderBy(c => c.Sequence).Select(c => c.Id).ToList(),
                    LastUsed = now,
                };
            }
            else if (_scroll is null || _scroll.Param != scrollParam || !_scroll.IsOpen(now, expiry))
            {
                throw FakeIntercomError.Invalid("scroll_param is unknown or has expired: restart the scroll",
                    "scroll_param");
            }

            var scroll = _scroll;
            var ids =
                scroll.CompanyIds.Skip(scroll.Position).Take(Math.Max(1, _options.CompanyScrollPageSize)).ToList();
            scroll.Position += ids.Count;
            scroll.LastUsed = now;
            // The empty page ends the scroll and frees the workspace for the next one.
            if (ids.Count == 0)
            {
                scroll.Finished = true;
            }

            var data = new JsonArray();
            foreach (var id in ids)
            {
                if (_companiesById.TryGetValue(id, out var company))
                {
                    data.Add(CompanyJson(company));
                }
            }

            return new JsonObject
            {
                ["type"] = "list",
                ["data"] = data,
                ["pages"] = null,
                ["total_count"] = null,
                ["scroll_param"] = scroll.Param,
            };
        }
    }

    /// <summary>POST /contacts/{id}/companies {"id": company's Intercom id}; attaching twice changes nothing.</summary>
    public FakeCompany AttachContact(string contactId, JsonObject body)
    {
        var companyId =
            StringField(body, "id") ?? throw new FakeIntercomError(400, "parameter_not_found", "company not specified");
        lock (_gate)
        {
            var contact = VisibleById(contactId) ?? throw FakeIntercomError.NotFound("User");
            var company = _companiesById.TryGetValue(companyId, out var found) ? found : throw CompanyNotFound();
            Attach(contact, company);
            return company;
        }
    }

    public FakeCompany DetachContact(string contactId, string companyId)
    {
        lock (_gate)
        {
            var contact = VisibleById(contactId) ?? throw FakeIntercomError.NotFound("User");
            var company = _companiesById.TryGetValue(companyId, out var found) ? found : throw CompanyNotFound();
            if (!contact.CompanyIds.Remove(company.Id))
            {
                throw CompanyNotFound();
            }

            company.ContactIds.Remove(contact.Id);
            company.UpdatedAt = Now();
            return company;
        }
    }

    /// <summary>GET /contacts/{id}/companies: the contact's companies in pages of 50 (the list carries "data", as
    /// Intercom sends it).</summary>
    public JsonObject ContactCompanies(string contactId, int page)
    {
        if (page < 1)
        {
            throw FakeIntercomError.Invalid("page must be 1 or more", "page");
        }

        lock (_gate)
        {
            var contact = VisibleById(contactId) ?? throw FakeIntercomError.NotFound("User");
            var all = contact.CompanyIds.Select(id => _companiesById[id]).ToList();
            var data = new JsonArray();
            foreach (var company in all.Skip((page - 1) * ContactCompaniesPerPage).Take(ContactCompaniesPerPage))
            {
                data.Add(CompanyJson(company));
            }

            var totalPages = (all.Count + ContactCompaniesPerPage - 1) / ContactCompaniesPerPage;
            return new JsonObject
            {
                ["type"] = "list",
                ["data"] = data,
                ["pages"] = new JsonObject
                {
                    ["type"] = "pages",
                    ["next"]
                    = page < totalPages ? $"https://api.intercom.io/contacts/{contact.Id}/companies?page={page + 1}"
                        : null,
                    ["page"] = page,
                    ["per_page"] = ContactCompaniesPerPage,
                    ["total_pages"] = totalPages,
                },
                ["total_count"] = all.Count,
            };
        }
    }

    /// <summary>
    /// Stores a company as given, for existing data: no attribute checks. Body: {company_id, name, plan, monthly_spend,
    /// size, website, industry, remote_created_at, custom_attributes, contact_ids: [Intercom ids], external_ids:
    /// [users' external ids]}.
    /// </summary>
    public FakeCompany SeedCompany(JsonObject body)
    {
        var companyId =
            StringField(body, "company_id") ?? throw FakeIntercomError.Invalid("company_id is required", "company_id");
        var name = StringField(body, "name");
        var plan = StringField(body, "plan");
        var website = StringField(body, "website");
        var industry = StringField(body, "industry");
        var monthlySpend = MonthlySpend(body);
        var size = IntegerField(body, "size");
        var remoteCreatedAt = IntegerField(body, "remote_created_at");
        lock (_gate)
        {
            // Contacts are found first, so a seed naming a missing one stores nothing.
            var contacts = new List<FakeContact>();
            foreach (var externalId in Strings(body, "external_ids"))
            {
                contacts.Add(VisibleUserWithExternalId(externalId)
                    ?? throw FakeIntercomError.Invalid($"No user has external_id {externalId}", "external_ids"));
            }

            foreach (var id in Strings(body, "contact_ids"))
            {
                contacts.Add(ById(id) is { MergedInto: false } contact ? contact
                    : throw FakeIntercomError.Invalid($"No contact has id {id}", "contact_ids"));
            }

            var company = CompanyFor(companyId);
            if (body.ContainsKey("name"))
            {
                company.Name = name;
            }

            if (body.ContainsKey("plan"))
            {
                SetPlan(company, plan);
            }

            if (body.ContainsKey("website"))
            {
                company.Website = website;
            }

            if (body.ContainsKey("industry"))
            {
                company.Industry = industry;
            }

            if (monthlySpend is { } spend)
            {
                company.MonthlySpend = spend;
            }

            if (body.ContainsKey("size"))
            {
                company.Size = size;
            }

            if (body.ContainsKey("remote_created_at"))
            {
                company.RemoteCreatedAt = remoteCreatedAt;
            }

            if (body["custom_attributes"] is JsonObject custom)
            {
                foreach (var (k, v) in custom)
                {
                    company.CustomAttributes[k] = v?.DeepClone();
                }
            }

            foreach (var contact in contacts)
            {
                Attach(contact, company);
            }

            return company;
        }
    }

    public FakeCompany SeedCompany(string companyId, string? name = null, string? plan = null,
        long? monthlySpend = null,
        IDictionary<string, object?>? customAttributes = null, params FakeContact[] contacts)
    {
        var body = new JsonObject { ["company_id"] = companyId };
        if (name is not null)
        {
            body["name"] = name;
        }

        if (plan is not null)
        {
            body["plan"] = plan;
        }

        if (monthlySpend is not null)
        {
            body["monthly_spend"] = monthlySpend;
        }

        if (customAttributes is not null)
        {
            body["custom_attributes"] = JsonSerializer.SerializeToNode(customAttributes);
        }

        body["contact_ids"] = new JsonArray(contacts.Select(c => (JsonNode?)c.Id).ToArray());
        return SeedCompany(body);
    }

    // ---- helpers (callers hold the lock where they touch the lists) ----

    /// <summary>The company with this company_id, created (and indexed) when there is none.</summary>
    private FakeCompany CompanyFor(string companyId)
    {
        if (_companiesByCompanyId.TryGetValue(companyId, out var existing))
        {
            return existing;
        }

        var seq = Interlocked.Increment(ref _sequence);
        var now = Now();
        var company = new FakeCompany
        {
            Sequence = seq,
            Id = $"6762f07a{seq:x16}",
            CompanyId = companyId,
            CreatedAt = now,
            UpdatedAt = now
        };
        _companies.Add(company);
        _companiesById[company.Id] = company;
        _companiesByCompanyId[companyId] = company;
        return company;
    }

    private void Attach(FakeContact contact, FakeCompany company)
    {
        if (contact.CompanyIds.Contains(company.Id))
        {
            return;
        }

        if (contact.CompanyIds.Count >= MaxCompaniesPerContact)
        {
            throw new FakeIntercomError(400, "contact_company_limit_exceeded",
                $"Contact has reached the maximum of {MaxCompaniesPerContact} company associations");
        }

        contact.CompanyIds.Add(company.Id);
        company.ContactIds.Add(contact.Id);
        company.UpdatedAt = Now();
    }

    private void SetPlan(FakeCompany company, string? plan)
    {
        company.Plan = plan;
        if (plan is not null && !_planIds.ContainsKey(plan))
        {
            _planIds[plan] =
                Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private JsonObject CompanyJson(FakeCompany company) =>
        company.ToJson(company.Plan is not null && _planIds.TryGetValue(company.Plan, out var planId) ? planId : null);

    private static JsonObject CompanyList(IEnumerable<JsonObject> companies, int page, int perPage, int total)
    {
        var data = new JsonArray();
        foreach (var company in companies)
        {
            data.Add(company);
        }

        return new JsonObject
        {
            ["type"] = "list",
            ["data"] = data,
            // Intercom puts a URL in pages.next; the description types it as an object, so the fake leaves it out.
            ["pages"]
            = new JsonObject
            {
                ["type"] = "pages",
                ["page"] = page,
                ["per_page"] = perPage,
                ["total_pages"] = (total + perPage - 1) / perPage
            },
            ["total_count"] = total,
        };
    }

    private static FakeIntercomError CompanyNotFound() => new(404, "company_not_found", "Company Not Found");

    /// <summary>Whole units, floats truncated as Intercom does; more than 2^31-1 is refused.</summary>
    private static long? MonthlySpend(JsonObject body)
    {
        if (!body.ContainsKey("monthly_spend") || body["monthly_spend"] is null)
        {
            return null;
        }

        if (body["monthly_spend"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            throw FakeIntercomError.Invalid("monthly_spend must be a number", "monthly_spend");
        }

        var value = Math.Truncate(
            decimal.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture));
        if (value > int.MaxValue)
        {
            throw FakeIntercomError.Invalid($"monthly_spend may be at most {int.MaxValue}", "monthly_spend");
        }

        return (long)value;
    }

    private static string? StringField(JsonObject body, string name)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>();
        }

        throw FakeIntercomError.Invalid($"{name} must be a string", name);
    }

    private static long? IntegerField(JsonObject body, string name)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var whole))
        {
            return whole;
        }

        if (node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && IsWhole(d))
        {
            return (long)d.GetValue<double>();
        }

        throw FakeIntercomError.Invalid($"{name} must be an integer", name);
    }

    private static IEnumerable<string> Strings(JsonObject body, string name) =>
        body[name] is JsonArray array ? array.OfType<JsonValue>().Select(v => v.GetValue<string>()).ToList() : [];
}
