using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StripeIntercom.Intercom;

/// <summary>A thin client for the Intercom REST API, pinned to one API version.</summary>
public sealed class IntercomClient : IDisposable
{
    /// <summary>The only place the API version is named: request and response shapes are written against it.</summary>
    public const string ApiVersion = "2.14";

    /// <summary>Intercom's largest page for contact lists and searches.</summary>
    public const int MaxPageSize = 150;

    /// <summary>Intercom's largest page for GET /companies.</summary>
    public const int MaxCompanyPageSize = 60;

    /// <summary>The version the bulk writes and their job reads are sent under; every other request stays on
    /// <see cref="ApiVersion"/>.</summary>
    public const string PreviewApiVersion = "Preview";

    /// <summary>Items one bulk request may carry.</summary>
    public const int MaxBulkItems = 100;

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public IntercomClient(IntercomSettings settings, ILogger? logger = null)
    {
        if (settings == null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        if (string.IsNullOrWhiteSpace(settings.AccessToken))
        {
            throw new ArgumentException("An Intercom access token is required.", nameof(settings));
        }

        var handler = settings.InnerHandler ?? new HttpClientHandler();
        _http = new HttpClient(handler, disposeHandler: settings.InnerHandler == null || settings.DisposeInnerHandler)
        {
            BaseAddress = settings.ResolveApiBase(),
            Timeout = settings.Timeout,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
        _http.DefaultRequestHeaders.Add("Intercom-Version", ApiVersion);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _logger = logger ?? NullLogger.Instance;
    }

    public Uri ApiBase => _http.BaseAddress!;

    public IntercomApiCalls ApiCalls { get; } = new IntercomApiCalls();

    public Task<IntercomAdmin> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IntercomAdmin>(HttpMethod.Get, "me", "GET /me", null, cancellationToken);

    public Task<IntercomContact> GetContactAsync(string contactId, CancellationToken cancellationToken = default) =>
        SendAsync<IntercomContact>(HttpMethod.Get, "contacts/" + Escape(contactId), "GET /contacts/{id}", null,
            cancellationToken);

    /// <summary>The user with this external_id, or null when there is none (leads are never returned).</summary>
    public async Task<IntercomContact?> FindContactByExternalIdAsync(string externalId,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync<IntercomContact>(HttpMethod.Get,
                "contacts/find_by_external_id/" + Escape(externalId),
                "GET /contacts/find_by_external_id/{external_id}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (IntercomApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IntercomContactPage> ListContactsPageAsync(int perPage = MaxPageSize,
        string? startingAfter = null, CancellationToken cancellationToken = default)
    {
        var path = "contacts?per_page=" + perPage +
            (startingAfter == null ? "" : "&starting_after=" + Uri.EscapeDataString(startingAfter));
        var list = await SendAsync<ContactListResponse>(HttpMethod.Get, path, "GET /contacts", null, cancellationToken)
            .ConfigureAwait(false);
        return list.ToPage();
    }

    /// <summary>Every contact, read in pages of 150 by cursor.</summary>
    public async IAsyncEnumerable<IntercomContact> ListContactsAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListContactsPageAsync(MaxPageSize, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var contact in page.Contacts)
            {
                yield return contact;
            }

            cursor = page.NextCursor;
        } while (cursor != null);
    }

    /// <summary>One page of a search. Search is eventually consistent: recent writes may be missing.</summary>
    public async Task<IntercomContactPage> SearchContactsAsync(IntercomSearchQuery query, int perPage = MaxPageSize,
        string? startingAfter = null, CancellationToken cancellationToken = default)
    {
        var pagination = new Dictionary<string, object?> { ["per_page"] = perPage };
        if (startingAfter != null)
        {
            pagination["starting_after"] = startingAfter;
        }

        var body = new Dictionary<string, object?> { ["query"] = query.ToBody(), ["pagination"] = pagination };
        var list = await SendAsync<ContactListResponse>(HttpMethod.Post, "contacts/search", "POST /contacts/search",
            body, cancellationToken).ConfigureAwait(false);
        return list.ToPage();
    }

    public Task<IntercomContact> CreateContactAsync(IntercomContactWrite contact,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomContact>(HttpMethod.Post, "contacts", "POST /contacts", contact, cancellationToken);

    public Task<IntercomContact> UpdateContactAsync(string contactId, IntercomContactWrite changes,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomContact>(HttpMethod.Put, "contacts/" + Escape(contactId), "PUT /contacts/{id}", changes,
            cancellationToken);

    /// <summary>Merges a lead into a user; the lead disappears and the user is returned.</summary>
    public Task<IntercomContact> MergeContactsAsync(string fromLeadId, string intoUserId,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomContact>(HttpMethod.Post, "contacts/merge", "POST /contacts/merge",
            new Dictionary<string, string> { ["from"] = fromLeadId, ["into"] = intoUserId }, cancellationToken);

    public Task ArchiveContactAsync(string contactId, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "contacts/" + Escape(contactId) + "/archive",
            "POST /contacts/{id}/archive", null, cancellationToken);

    /// <summary>
    /// Creates the company with <see cref="IntercomCompanyWrite.CompanyId"/> or updates it (POST /companies). A new
    /// company stays out of list and scroll until a contact is attached to it.
    /// </summary>
    public Task<IntercomCompany> UpsertCompanyAsync(IntercomCompanyWrite company,
        CancellationToken cancellationToken = default)
    {
        if (company == null)
        {
            throw new ArgumentNullException(nameof(company));
        }

        if (string.IsNullOrEmpty(company.CompanyId))
        {
            throw new ArgumentException("A company needs its company_id: Intercom creates or updates by it.",
                nameof(company));
        }

        return SendAsync<IntercomCompany>(HttpMethod.Post, "companies", "POST /companies", company, cancellationToken);
    }

    /// <summary>
    /// The company with this company_id, or null when there is none; finds companies without contacts too.
    /// Intercom answers with the company itself while its 2.14 description says a list holding it: both are read,
    /// and a list entry counts only if its company_id is the one asked for.
    /// </summary>
    public async Task<IntercomCompany?> FindCompanyByCompanyIdAsync(string companyId,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(companyId))
        {
            throw new ArgumentException("A company_id is required.", nameof(companyId));
        }

        JsonElement answer;
        try
        {
            answer = await SendAsync<JsonElement>(HttpMethod.Get, "companies?company_id=" + Escape(companyId),
                "GET /companies", null, cancellationToken).ConfigureAwait(false);
        }
        catch (IntercomApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (answer.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (answer.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() == "list")
        {
            if (!answer.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var item in data.EnumerateArray())
            {
                var company = item.Deserialize<IntercomCompany>(Json);
                if (company != null && company.CompanyId == companyId)
                {
                    return company;
                }
            }
            return null;
        }

        var single = answer.Deserialize<IntercomCompany>(Json);
        return single != null && single.CompanyId == companyId ? single : null;
    }

    /// <summary>A company by its Intercom id.</summary>
    public Task<IntercomCompany> GetCompanyAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<IntercomCompany>(HttpMethod.Get, "companies/" + Escape(id), "GET /companies/{id}", null,
            cancellationToken);

    /// <summary>
    /// One numbered page of GET /companies (newest first, at most 60 a page, companies without contacts left out).
    /// Intercom pages only 10,000 companies deep: read everything with <see cref="ScrollCompaniesAsync"/>.
    /// </summary>
    public async Task<IntercomCompanyPage> ListCompaniesPageAsync(int page = 1, int perPage = MaxCompanyPageSize,
        CancellationToken cancellationToken = default)
    {
        if (page < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, "Pages are numbered from 1.");
        }

        if (perPage < 1 || perPage > MaxCompanyPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(perPage), perPage,
                $"Intercom pages companies by 1 to {MaxCompanyPageSize}.");
        }

        var list = await SendAsync<CompanyListResponse>(HttpMethod.Get,
            "companies?page=" + page + "&per_page=" + perPage, "GET /companies", null, cancellationToken)
            .ConfigureAwait(false);
        return new IntercomCompanyPage
        {
            Companies = list.Items,
            TotalCount = list.TotalCount,
            Page = list.Pages?.Page ?? page,
            PerPage = list.Pages?.PerPage ?? perPage,
            TotalPages = list.Pages?.TotalPages ?? 0,
        };
    }

    /// <summary>
    /// One page of GET /companies/scroll: without <paramref name="scrollParam"/> it starts the workspace's only scroll
    /// (400 scroll_exists while another is open, for up to a minute), with it the scroll goes on. An empty page ends
    /// it.
    /// </summary>
    public async Task<IntercomCompanyScrollPage> ScrollCompaniesAsync(string? scrollParam = null,
        CancellationToken cancellationToken = default)
    {
        var path =
            "companies/scroll" + (string.IsNullOrEmpty(scrollParam) ? "" : "?scroll_param=" + Escape(scrollParam!));
        var list = await SendAsync<CompanyListResponse>(HttpMethod.Get, path, "GET /companies/scroll", null,
            cancellationToken).ConfigureAwait(false);
        return new IntercomCompanyScrollPage { Companies = list.Items, ScrollParam = list.ScrollParam ?? scrollParam };
    }

    /// <summary>Every listed company (those with contacts), read with one scroll to its end. Stopping early leaves the
    /// scroll open for a minute.</summary>
    public async IAsyncEnumerable<IntercomCompany> ScrollAllCompaniesAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? scrollParam = null;
        while (true)
        {
            var page = await ScrollCompaniesAsync(scrollParam, cancellationToken).ConfigureAwait(false);
            if (page.IsEnd)
            {
                yield break;
            }

            foreach (var company in page.Companies)
            {
                yield return company;
            }

            scrollParam = page.ScrollParam
                ?? throw new IntercomApiException(HttpStatusCode.OK, "invalid_response",
                "Intercom GET /companies/scroll returned companies without a scroll_param to continue with.", null);
        }
    }

    /// <summary>Attaches a contact to a company (by the company's Intercom id); attaching twice changes nothing.
    /// Returns the company.</summary>
    public Task<IntercomCompany> AttachContactToCompanyAsync(string contactId, string companyId,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomCompany>(HttpMethod.Post, "contacts/" + Escape(contactId) + "/companies",
            "POST /contacts/{id}/companies",
            new Dictionary<string, string> { ["id"] = companyId }, cancellationToken);

    /// <summary>Detaches a contact from a company (by the company's Intercom id). Returns the company.</summary>
    public Task<IntercomCompany> DetachContactFromCompanyAsync(string contactId, string companyId,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomCompany>(HttpMethod.Delete,
            "contacts/" + Escape(contactId) + "/companies/" + Escape(companyId),
            "DELETE /contacts/{id}/companies/{company_id}", null, cancellationToken);

    /// <summary>Every company the contact is attached to, reading further pages (of 50) when there are more.</summary>
    public async Task<IReadOnlyList<IntercomCompany>> ListContactCompaniesAsync(string contactId,
        CancellationToken cancellationToken = default)
    {
        var companies = new List<IntercomCompany>();
        var page = 1;
        while (true)
        {
            var path = "contacts/" + Escape(contactId) + "/companies" + (page == 1 ? "" : "?page=" + page);
            var list = await SendAsync<CompanyListResponse>(HttpMethod.Get, path, "GET /contacts/{id}/companies", null,
                cancellationToken).ConfigureAwait(false);
            companies.AddRange(list.Items);
            var totalPages = list.Pages?.TotalPages ?? 1;
            if (list.Items.Count == 0 || page >= totalPages)
            {
                return companies;
            }

            page++;
        }
    }

    public async Task<IReadOnlyList<IntercomDataAttribute>> ListDataAttributesAsync(string model = "contact",
        CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<DataAttributeListResponse>(HttpMethod.Get,
            "data_attributes?model=" + Uri.EscapeDataString(model),
            "GET /data_attributes", null, cancellationToken).ConfigureAwait(false);
        return list.Data;
    }

    public Task<IntercomDataAttribute> CreateDataAttributeAsync(string name, IntercomDataType dataType,
        string? description = null, string model = "contact", CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["model"] = model,
            ["data_type"] = dataType.ToWireName(),
            ["description"] = description ?? "",
        };
        return SendAsync<IntercomDataAttribute>(HttpMethod.Post, "data_attributes", "POST /data_attributes", body,
            cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Puts a data event on a contact's timeline (POST /events, answered 202 with no body). Intercom ignores a repeat
    /// (same contact, name and created_at) and answers it 202 too; a contact it cannot find is a 404.
    /// </summary>
    public Task SendDataEventAsync(IntercomDataEvent dataEvent, CancellationToken cancellationToken = default)
    {
        if (dataEvent == null)
        {
            throw new ArgumentNullException(nameof(dataEvent));
        }

        return SendAsync<object?>(HttpMethod.Post, "events", "POST /events", dataEvent, cancellationToken,
            readBody: false);
    }

    /// <summary>A contact's data events, newest first (GET /events?type=user&amp;intercom_user_id=; Intercom lists
    /// the last 90 days).</summary>
    public async Task<IReadOnlyList<IntercomDataEvent>> ListDataEventsAsync(string contactId,
        CancellationToken cancellationToken = default)
    {
        var events = new List<IntercomDataEvent>();
        string? path = "events?type=user&per_page=100&intercom_user_id=" + Escape(contactId);
        while (path != null)
        {
            var page = await SendAsync<DataEventListResponse>(HttpMethod.Get, path, "GET /events", null,
                cancellationToken).ConfigureAwait(false);
            events.AddRange(page.Events ?? new List<IntercomDataEvent>());
            path = page.Pages?.Next is { } next && Uri.TryCreate(next, UriKind.Absolute, out var nextUri)
                && !string.IsNullOrEmpty(nextUri.Query)
                ? "events" + nextUri.Query
                : null;
        }

        return events;
    }

    /// <summary>
    /// Creates contacts in bulk (Preview POST /contacts/bulk): a strict create, run later as a job. An item whose
    /// external_id or email Intercom already has (archived contacts included) is rejected, the others are created,
    /// and the job ends CompletedWithErrors; which item failed and the new contacts' ids are never reported.
    /// </summary>
    /// <param name="appendToJobId">An open contacts job to add this task to; a closed one is a 403.</param>
    public Task<IntercomBulkJob> CreateContactsInBulkAsync(IReadOnlyList<IntercomContactWrite> contacts,
        string? appendToJobId = null, CancellationToken cancellationToken = default)
    {
        CheckBulkCount(contacts, nameof(contacts));
        if (contacts.Any(c => c == null))
        {
            throw new ArgumentException("A bulk create cannot hold a null contact.", nameof(contacts));
        }

        return SendAsync<IntercomBulkJob>(HttpMethod.Post, "contacts/bulk", "POST /contacts/bulk",
            BulkBody("contacts", contacts.Cast<object>(), appendToJobId), cancellationToken,
            apiVersion: PreviewApiVersion);
    }

    /// <summary>
    /// Updates contacts by their Intercom id in bulk (Preview PUT /contacts/bulk), run later as a job. The bulk
    /// update cannot set role or signed_up_at (Intercom would ignore them), so changes holding either are refused.
    /// </summary>
    public Task<IntercomBulkJob> UpdateContactsInBulkAsync(
        IReadOnlyList<(string Id, IntercomContactWrite Changes)> contacts, string? appendToJobId = null,
        CancellationToken cancellationToken = default)
    {
        CheckBulkCount(contacts, nameof(contacts));
        var items = new List<object>();
        foreach (var (id, changes) in contacts)
        {
            if (string.IsNullOrEmpty(id) || changes == null)
            {
                throw new ArgumentException("Each bulk update needs a contact id and its changes.", nameof(contacts));
            }

            if (changes.Role != null || changes.SignedUpAt != null)
            {
                throw new ArgumentException(
                    "Intercom's bulk update ignores role and signed_up_at: update contact " + id + " on its own.",
                    nameof(contacts));
            }

            items.Add(new BulkContactUpdate
            {
                Id = id,
                ExternalId = changes.ExternalId,
                Email = changes.Email,
                Name = changes.Name,
                CustomAttributes = changes.CustomAttributes,
            });
        }

        return SendAsync<IntercomBulkJob>(HttpMethod.Put, "contacts/bulk", "PUT /contacts/bulk",
            BulkBody("contacts", items, appendToJobId), cancellationToken, apiVersion: PreviewApiVersion);
    }

    /// <summary>
    /// Attaches contacts to companies in bulk (Preview PUT /contacts/bulk, each item a contact's Intercom id and one
    /// company by its company_id), run later as a job. Intercom makes a company that does not exist yet, so attach to
    /// companies already written. Never detaches: no item carries <c>remove</c>.
    /// </summary>
    public Task<IntercomBulkJob> AttachContactsToCompaniesInBulkAsync(
        IReadOnlyList<(string ContactId, string CompanyId)> attachments, string? appendToJobId = null,
        CancellationToken cancellationToken = default)
    {
        CheckBulkCount(attachments, nameof(attachments));
        var items = new List<object>();
        foreach (var (contactId, companyId) in attachments)
        {
            if (string.IsNullOrEmpty(contactId) || string.IsNullOrEmpty(companyId))
            {
                throw new ArgumentException("Each attachment needs a contact id and a company_id.",
                    nameof(attachments));
            }

            items.Add(new BulkContactAttach
            {
                Id = contactId,
                Companies = new List<BulkCompanyReference> { new BulkCompanyReference { CompanyId = companyId } },
            });
        }

        return SendAsync<IntercomBulkJob>(HttpMethod.Put, "contacts/bulk", "PUT /contacts/bulk",
            BulkBody("contacts", items, appendToJobId), cancellationToken, apiVersion: PreviewApiVersion);
    }

    /// <summary>
    /// Creates or updates companies by company_id in bulk (Preview POST /companies/bulk), run later as a job. An
    /// item that fails validation is rejected and the job ends CompletedWithErrors.
    /// </summary>
    public Task<IntercomBulkJob> UpsertCompaniesInBulkAsync(IReadOnlyList<IntercomCompanyWrite> companies,
        string? appendToJobId = null, CancellationToken cancellationToken = default)
    {
        CheckBulkCount(companies, nameof(companies));
        if (companies.Any(c => c == null || string.IsNullOrEmpty(c.CompanyId)))
        {
            throw new ArgumentException("Each company needs its company_id: Intercom creates or updates by it.",
                nameof(companies));
        }

        return SendAsync<IntercomBulkJob>(HttpMethod.Post, "companies/bulk", "POST /companies/bulk",
            BulkBody("companies", companies.Cast<object>(), appendToJobId), cancellationToken,
            apiVersion: PreviewApiVersion);
    }

    /// <summary>A contacts bulk job as it stands (Preview GET /contacts/bulk/{id}).</summary>
    public Task<IntercomBulkJob> GetContactsBulkJobAsync(string jobId,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomBulkJob>(HttpMethod.Get, "contacts/bulk/" + Escape(RequireJobId(jobId)),
            "GET /contacts/bulk/{id}", null, cancellationToken, apiVersion: PreviewApiVersion);

    /// <summary>A companies bulk job as it stands (Preview GET /companies/bulk/{id}).</summary>
    public Task<IntercomBulkJob> GetCompaniesBulkJobAsync(string jobId,
        CancellationToken cancellationToken = default) =>
        SendAsync<IntercomBulkJob>(HttpMethod.Get, "companies/bulk/" + Escape(RequireJobId(jobId)),
            "GET /companies/bulk/{id}", null, cancellationToken, apiVersion: PreviewApiVersion);

    private static void CheckBulkCount<T>(IReadOnlyList<T> items, string name)
    {
        if (items == null)
        {
            throw new ArgumentNullException(name);
        }

        if (items.Count == 0 || items.Count > MaxBulkItems)
        {
            throw new ArgumentException(
                $"A bulk request carries 1 to {MaxBulkItems} items, not {items.Count}: split it.", name);
        }
    }

    private static string RequireJobId(string jobId) =>
        string.IsNullOrEmpty(jobId) ? throw new ArgumentException("A bulk job id is required.", nameof(jobId)) : jobId;

    private static Dictionary<string, object?> BulkBody(string listName, IEnumerable<object> items,
        string? appendToJobId)
    {
        var body = new Dictionary<string, object?> { [listName] = items.ToList() };
        if (!string.IsNullOrEmpty(appendToJobId))
        {
            body["job"] = new Dictionary<string, string> { ["id"] = appendToJobId! };
        }

        return body;
    }

    /// <param name="apiVersion">Overrides the client's Intercom-Version for this request only (the Preview bulk
    /// routes).</param>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, string route, object? body,
        CancellationToken cancellationToken, bool readBody = true, string? apiVersion = null)
    {
        using (var request = new HttpRequestMessage(method, path))
        {
            if (apiVersion != null)
            {
                // A header set on the request wins over the client's default one of the same name.
                request.Headers.Remove("Intercom-Version");
                request.Headers.Add("Intercom-Version", apiVersion);
            }

            if (body != null)
            {
                request.Content =
                    new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
            }

            ApiCalls.Count(route, IsWrite(route));
            var stopwatch = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                // The resilience chain has already read the body inside its attempt; ResponseHeadersRead keeps
                // HttpClient from copying it once more (a page of 150 contacts is a large-object allocation per copy).
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                _logger.LogWarning("{Method} {Path} failed after {ElapsedMs} ms: {Error}", method.Method, "/" + path,
                    stopwatch.ElapsedMilliseconds, e.Message);
                throw;
            }
            using (response)
            {
                _logger.LogInformation("{Method} {Path} -> {Status} in {ElapsedMs} ms", method.Method, "/" + path,
                    (int)response.StatusCode, stopwatch.ElapsedMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    throw ToException(method, path, response.StatusCode,
                        await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                }

                if (!readBody)
                {
                    return default!;
                }

                try
                {
                    // Parsed from the bytes as they are, not from a string of them: no second, twice-as-large copy per
                    // page.
                    using (var content = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    {
                        return (await JsonSerializer.DeserializeAsync<T>(content, Json, cancellationToken)
                            .ConfigureAwait(false))!;
                    }
                }
                catch (JsonException e)
                {
                    throw new IntercomApiException(response.StatusCode, "invalid_response",
                        $"Intercom {method.Method} /{path} returned a body that is not the expected JSON: {e.Message}",
                        null);
                }
            }
        }
    }

    // Search changes nothing, so it counts as a read although it is a POST.
    private static bool IsWrite(string route) =>
        !route.StartsWith("GET ", StringComparison.Ordinal) && route != "POST /contacts/search";

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static IntercomApiException ToException(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        string? code = null, message = null, requestId = null, field = null;
        try
        {
            var errors = JsonSerializer.Deserialize<ErrorListResponse>(body, Json);
            requestId = errors?.RequestId;
            var first = errors?.Errors?.FirstOrDefault();
            code = first?.Code;
            message = first?.Message;
            field = first?.Field;
        }
        catch (JsonException)
        {
            // Not an error.list (a proxy or load balancer answered): the status line is all we have.
        }
        var text =
            $"Intercom {method.Method} /{path} failed with {(int)status} {code ?? status.ToString()}: " +
            $"{message ?? "(no message)"}";
        switch (status)
        {
            case HttpStatusCode.Unauthorized: return new IntercomAuthenticationException(code, text, requestId);
            case HttpStatusCode.Conflict:
                var conflict = new IntercomConflictException(code, text, requestId);
                return conflict;
            default: return new IntercomApiException(status, code, text, requestId, field);
        }
    }

    private sealed class ContactListResponse
    {
        [JsonPropertyName("data")] public List<IntercomContact> Data { get; set; } = new List<IntercomContact>();
        [JsonPropertyName("total_count")] public int TotalCount { get; set; }
        [JsonPropertyName("pages")] public PagesResponse? Pages { get; set; }

        public IntercomContactPage ToPage() => new IntercomContactPage
        {
            Contacts = Data,
            TotalCount = TotalCount,
            PerPage = Pages?.PerPage ?? Data.Count,
            NextCursor = Pages?.Next?.StartingAfter,
        };
    }

    private sealed class PagesResponse
    {
        [JsonPropertyName("per_page")] public int PerPage { get; set; }
        [JsonPropertyName("next")] public NextPageResponse? Next { get; set; }
    }

    private sealed class NextPageResponse
    {
        [JsonPropertyName("starting_after")] public string? StartingAfter { get; set; }
    }

    /// <summary>
    /// A company list, page, scroll page or a contact's companies. Intercom sends the companies in "data" (the
    /// description names the contact's list "companies": both are read). pages.next is not read: Intercom sends a
    /// URL where the description has an object, and page numbers are enough.
    /// </summary>
    private sealed class CompanyListResponse
    {
        [JsonPropertyName("data")] public List<IntercomCompany>? Data { get; set; }
        [JsonPropertyName("companies")] public List<IntercomCompany>? Companies { get; set; }
        [JsonPropertyName("total_count")] public int? TotalCountValue { get; set; }
        [JsonPropertyName("pages")] public CompanyPagesResponse? Pages { get; set; }
        [JsonPropertyName("scroll_param")] public string? ScrollParam { get; set; }

        [JsonIgnore] public List<IntercomCompany> Items => Data ?? Companies ?? new List<IntercomCompany>();
        [JsonIgnore] public int TotalCount => TotalCountValue ?? Items.Count;
    }

    private sealed class CompanyPagesResponse
    {
        [JsonPropertyName("page")] public int? Page { get; set; }
        [JsonPropertyName("per_page")] public int? PerPage { get; set; }
        [JsonPropertyName("total_pages")] public int? TotalPages { get; set; }
    }

    private sealed class DataAttributeListResponse
    {
        [JsonPropertyName("data")]
        public List<IntercomDataAttribute> Data { get; set; } = new List<IntercomDataAttribute>();
    }

    private sealed class DataEventListResponse
    {
        [JsonPropertyName("events")] public List<IntercomDataEvent>? Events { get; set; }
        [JsonPropertyName("pages")] public DataEventPagesResponse? Pages { get; set; }
    }

    private sealed class DataEventPagesResponse
    {
        [JsonPropertyName("next")] public string? Next { get; set; }
    }

    /// <summary>A bulk update item: the contact's id and the fields the bulk update can set.</summary>
    private sealed class BulkContactUpdate
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("external_id")] public string? ExternalId { get; set; }
        [JsonPropertyName("email")] public string? Email { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("custom_attributes")] public Dictionary<string, object?>? CustomAttributes { get; set; }
    }

    /// <summary>A bulk update item that attaches the contact to its companies and changes nothing else.</summary>
    private sealed class BulkContactAttach
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("companies")]
        public List<BulkCompanyReference> Companies { get; set; } = new List<BulkCompanyReference>();
    }

    /// <summary>A company named by its company_id, to attach to: no name (it would rename the company), no
    /// remove.</summary>
    private sealed class BulkCompanyReference
    {
        [JsonPropertyName("company_id")] public string CompanyId { get; set; } = "";
    }

    private sealed class ErrorListResponse
    {
        [JsonPropertyName("request_id")] public string? RequestId { get; set; }
        [JsonPropertyName("errors")] public List<ErrorResponse>? Errors { get; set; }
    }

    private sealed class ErrorResponse
    {
        [JsonPropertyName("code")] public string? Code { get; set; }
        [JsonPropertyName("message")] public string? Message { get; set; }
        [JsonPropertyName("field")] public string? Field { get; set; }
    }
}
