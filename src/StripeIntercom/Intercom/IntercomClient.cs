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

namespace StripeIntercom.Intercom
{
    /// <summary>A thin client for the Intercom REST API, pinned to one API version.</summary>
    public sealed class IntercomClient : IDisposable
    {
        /// <summary>The only place the API version is named: request and response shapes are written against it.</summary>
        public const string ApiVersion = "2.14";

        /// <summary>Intercom's largest page for contact lists and searches.</summary>
        public const int MaxPageSize = 150;

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly HttpClient _http;
        private readonly ILogger _logger;

        public IntercomClient(IntercomSettings settings, ILogger? logger = null)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (string.IsNullOrWhiteSpace(settings.AccessToken)) throw new ArgumentException("An Intercom access token is required.", nameof(settings));
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
            SendAsync<IntercomContact>(HttpMethod.Get, "contacts/" + Escape(contactId), "GET /contacts/{id}", null, cancellationToken);

        /// <summary>The user with this external_id, or null when there is none (leads are never returned).</summary>
        public async Task<IntercomContact?> FindContactByExternalIdAsync(string externalId, CancellationToken cancellationToken = default)
        {
            try
            {
                return await SendAsync<IntercomContact>(HttpMethod.Get, "contacts/find_by_external_id/" + Escape(externalId),
                    "GET /contacts/find_by_external_id/{external_id}", null, cancellationToken).ConfigureAwait(false);
            }
            catch (IntercomApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }

        public async Task<IntercomContactPage> ListContactsPageAsync(int perPage = MaxPageSize, string? startingAfter = null, CancellationToken cancellationToken = default)
        {
            var path = "contacts?per_page=" + perPage + (startingAfter == null ? "" : "&starting_after=" + Uri.EscapeDataString(startingAfter));
            var list = await SendAsync<ContactListResponse>(HttpMethod.Get, path, "GET /contacts", null, cancellationToken).ConfigureAwait(false);
            return list.ToPage();
        }

        /// <summary>Every contact, read in pages of 150 by cursor.</summary>
        public async IAsyncEnumerable<IntercomContact> ListContactsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            string? cursor = null;
            do
            {
                var page = await ListContactsPageAsync(MaxPageSize, cursor, cancellationToken).ConfigureAwait(false);
                foreach (var contact in page.Contacts) yield return contact;
                cursor = page.NextCursor;
            } while (cursor != null);
        }

        /// <summary>One page of a search. Search is eventually consistent: recent writes may be missing.</summary>
        public async Task<IntercomContactPage> SearchContactsAsync(IntercomSearchQuery query, int perPage = MaxPageSize, string? startingAfter = null, CancellationToken cancellationToken = default)
        {
            var pagination = new Dictionary<string, object?> { ["per_page"] = perPage };
            if (startingAfter != null) pagination["starting_after"] = startingAfter;
            var body = new Dictionary<string, object?> { ["query"] = query.ToBody(), ["pagination"] = pagination };
            var list = await SendAsync<ContactListResponse>(HttpMethod.Post, "contacts/search", "POST /contacts/search", body, cancellationToken).ConfigureAwait(false);
            return list.ToPage();
        }

        public Task<IntercomContact> CreateContactAsync(IntercomContactWrite contact, CancellationToken cancellationToken = default) =>
            SendAsync<IntercomContact>(HttpMethod.Post, "contacts", "POST /contacts", contact, cancellationToken);

        public Task<IntercomContact> UpdateContactAsync(string contactId, IntercomContactWrite changes, CancellationToken cancellationToken = default) =>
            SendAsync<IntercomContact>(HttpMethod.Put, "contacts/" + Escape(contactId), "PUT /contacts/{id}", changes, cancellationToken);

        /// <summary>Merges a lead into a user; the lead disappears and the user is returned.</summary>
        public Task<IntercomContact> MergeContactsAsync(string fromLeadId, string intoUserId, CancellationToken cancellationToken = default) =>
            SendAsync<IntercomContact>(HttpMethod.Post, "contacts/merge", "POST /contacts/merge",
                new Dictionary<string, string> { ["from"] = fromLeadId, ["into"] = intoUserId }, cancellationToken);

        public Task ArchiveContactAsync(string contactId, CancellationToken cancellationToken = default) =>
            SendAsync<JsonElement>(HttpMethod.Post, "contacts/" + Escape(contactId) + "/archive", "POST /contacts/{id}/archive", null, cancellationToken);

        public async Task<IReadOnlyList<IntercomDataAttribute>> ListDataAttributesAsync(string model = "contact", CancellationToken cancellationToken = default)
        {
            var list = await SendAsync<DataAttributeListResponse>(HttpMethod.Get, "data_attributes?model=" + Uri.EscapeDataString(model),
                "GET /data_attributes", null, cancellationToken).ConfigureAwait(false);
            return list.Data;
        }

        public Task<IntercomDataAttribute> CreateDataAttributeAsync(string name, IntercomDataType dataType, string? description = null, string model = "contact", CancellationToken cancellationToken = default)
        {
            var body = new Dictionary<string, object?>
            {
                ["name"] = name,
                ["model"] = model,
                ["data_type"] = dataType.ToWireName(),
                ["description"] = description ?? "",
            };
            return SendAsync<IntercomDataAttribute>(HttpMethod.Post, "data_attributes", "POST /data_attributes", body, cancellationToken);
        }

        public void Dispose() => _http.Dispose();

        private async Task<T> SendAsync<T>(HttpMethod method, string path, string route, object? body, CancellationToken cancellationToken)
        {
            using (var request = new HttpRequestMessage(method, path))
            {
                if (body != null)
                    request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
                ApiCalls.Count(route, IsWrite(route));
                var stopwatch = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    _logger.LogWarning("{Method} {Path} failed after {ElapsedMs} ms: {Error}", method.Method, "/" + path, stopwatch.ElapsedMilliseconds, e.Message);
                    throw;
                }
                using (response)
                {
                    var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    _logger.LogInformation("{Method} {Path} -> {Status} in {ElapsedMs} ms", method.Method, "/" + path, (int)response.StatusCode, stopwatch.ElapsedMilliseconds);
                    if (!response.IsSuccessStatusCode) throw ToException(method, path, response.StatusCode, text);
                    try
                    {
                        return JsonSerializer.Deserialize<T>(text, Json)!;
                    }
                    catch (JsonException e)
                    {
                        throw new IntercomApiException(response.StatusCode, "invalid_response", $"Intercom {method.Method} /{path} returned a body that is not the expected JSON: {e.Message}", null);
                    }
                }
            }
        }

        // Search changes nothing, so it counts as a read although it is a POST.
        private static bool IsWrite(string route) => !route.StartsWith("GET ", StringComparison.Ordinal) && route != "POST /contacts/search";

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
            var text = $"Intercom {method.Method} /{path} failed with {(int)status} {code ?? status.ToString()}: {message ?? "(no message)"}";
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

        private sealed class DataAttributeListResponse
        {
            [JsonPropertyName("data")] public List<IntercomDataAttribute> Data { get; set; } = new List<IntercomDataAttribute>();
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
}
