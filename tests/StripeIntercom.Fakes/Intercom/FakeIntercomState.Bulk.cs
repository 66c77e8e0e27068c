using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>
/// The Preview bulk jobs (POST/PUT /contacts/bulk, POST /companies/bulk): each request adds a task to a new or an
/// open job; a task is processed after <see cref="FakeIntercomOptions.BulkJobDelayMs"/> by applying every item
/// through <see cref="CreateContact"/>, <see cref="UpdateContact"/> or <see cref="UpsertCompany"/>, so validation,
/// uniqueness and indexes are those of the single writes. A rejected item is recorded and the others go on.
/// <para>An update item's <c>companies</c> attach the contact to each company_id, creating a company that does not
/// exist and giving it a supplied name; <c>remove: true</c> detaches instead, as the description says.</para>
/// </summary>
public sealed partial class FakeIntercomState
{
    /// <summary>Items a bulk request may carry.</summary>
    public const int MaxBulkItems = 100;

    // What the Preview description lets each operation set; anything else in an item is ignored, as it says.
    private static readonly HashSet<string> BulkCreateContactFields = new(StringComparer.Ordinal)
    {
        "external_id", "email", "name", "role", "phone", "avatar", "language_override", "custom_attributes",
        "signed_up_at", "last_seen_at", "owner_id", "unsubscribed_from_emails", "companies", "tags",
    };

    private static readonly HashSet<string> BulkUpdateContactFields = new(StringComparer.Ordinal)
    {
        "external_id", "email", "name", "phone", "avatar", "owner_id", "unsubscribed_from_emails",
        "language_override", "custom_attributes", "companies", "tags",
    };

    // Of those, what the fake's contacts hold; the rest (avatar, tags...) is accepted and not kept. An update's
    // companies are applied on their own (ApplyBulkCompanies); a create's are not kept.
    private static readonly HashSet<string> ModelledContactFields = new(StringComparer.Ordinal)
    {
        "external_id", "email", "name", "role", "phone", "signed_up_at", "custom_attributes",
    };

    private readonly Dictionary<string, FakeBulkJob> _bulkJobs = new(StringComparer.Ordinal);
    private readonly List<FakeBulkJob> _bulkJobList = new();
    private long _bulkJobSequence;
    private long _bulkTaskSequence;
    // Bumped by Reset, so a task scheduled before it does not touch the new state.
    private int _bulkGeneration;

    /// <summary><see cref="FakeIntercomOptions.RefusePreview"/>.</summary>
    internal bool RefusesPreview => _options.RefusePreview;

    /// <summary>Every bulk job, oldest first (the live objects: read only).</summary>
    public IReadOnlyList<FakeBulkJob> BulkJobs { get { lock (_gate) { return _bulkJobList.ToList(); } } }

    private void ResetBulkJobs()
    {
        _bulkJobs.Clear();
        _bulkJobList.Clear();
        _bulkGeneration++;
    }

    /// <summary>
    /// Takes one bulk request: checks its shape (422 as the description says), then adds its items as a task to a new
    /// job or to the open job its body names (404 job_not_found, 403 forbidden once closed), and schedules the task
    /// unless <paramref name="lose"/>. Answers the job as it is now.
    /// </summary>
    public JsonObject SubmitBulk(FakeBulkJobKind kind, string operation, JsonObject body, bool lose, Uri? baseUrl)
    {
        var listName = kind == FakeBulkJobKind.Contacts ? "contacts" : "companies";
        var singular = kind == FakeBulkJobKind.Contacts ? "contact" : "company";
        if (body[listName] is null)
        {
            throw new FakeIntercomError(422, "field_not_found", $"{listName} field must be supplied");
        }

        if (body[listName] is not JsonArray array)
        {
            throw new FakeIntercomError(422, "type_mismatch", $"{listName} must be an array");
        }

        if (array.Count > MaxBulkItems)
        {
            throw new FakeIntercomError(422, "parameter_invalid",
                $"maximum number of {listName} per request is {MaxBulkItems}");
        }

        // Not in the description: an empty task would make a job that never does anything.
        if (array.Count == 0)
        {
            throw new FakeIntercomError(422, "parameter_invalid", $"{listName} must not be empty");
        }

        var items = new List<JsonObject>();
        foreach (var node in array)
        {
            if (node is not JsonObject item)
            {
                throw new FakeIntercomError(422, "type_mismatch", $"each {singular} must be an object");
            }

            if (operation == "update" && OptionalString(item, "id") is null)
            {
                throw new FakeIntercomError(422, "field_not_found", $"{listName} must be identified by id");
            }

            items.Add((JsonObject)item.DeepClone());
        }

        var jobId = body["job"] is JsonObject jobRef ? OptionalString(jobRef, "id") : null;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            FakeBulkJob? job;
            if (jobId is not null)
            {
                if (!_bulkJobs.TryGetValue(jobId, out job) || job.Kind != kind)
                {
                    throw new FakeIntercomError(404, "job_not_found", $"job {jobId} not found");
                }

                if (now >= job.OpenUntil)
                {
                    throw new FakeIntercomError(403, "forbidden", $"job {jobId} is closed for new task updates");
                }
            }
            else
            {
                job = new FakeBulkJob { Id = "job_v2_" + ++_bulkJobSequence, Kind = kind, CreatedAt = Now() };
                _bulkJobs.Add(job.Id, job);
                _bulkJobList.Add(job);
            }

            var task = new FakeBulkTask
            {
                Id = "task_v2_" + ++_bulkTaskSequence,
                Operation = operation,
                CreatedAt = Now(),
                Lost = lose,
            };
            for (var i = 0; i < items.Count; i++)
            {
                task.Items.Add(new FakeBulkItem { Index = i, Body = items[i] });
            }

            job.Tasks.Add(task);
            job.UpdatedAt = Now();
            job.OpenUntil = now.AddMilliseconds(_options.BulkJobOpenMs);
            if (!lose)
            {
                ScheduleBulkTask(job, task, _bulkGeneration);
            }

            return job.ToJson(baseUrl);
        }
    }

    /// <summary>The job as GET /{kind}/bulk/{id} shows it; 404 job_not_found for an id of the other family
    /// too.</summary>
    public JsonObject GetBulkJob(FakeBulkJobKind kind, string id, Uri? baseUrl)
    {
        lock (_gate)
        {
            return _bulkJobs.TryGetValue(id, out var job) && job.Kind == kind
                ? job.ToJson(baseUrl)
                : throw new FakeIntercomError(404, "job_not_found", $"job {id} not found");
        }
    }

    /// <summary>Every job with its items' outcomes, for /__control/bulk/jobs.</summary>
    public JsonObject BulkJobsJson()
    {
        lock (_gate)
        {
            var data = new JsonArray();
            foreach (var job in _bulkJobList)
            {
                data.Add(job.ToControlJson());
            }

            return new JsonObject { ["type"] = "list", ["data"] = data, ["total_count"] = data.Count };
        }
    }

    private void ScheduleBulkTask(FakeBulkJob job, FakeBulkTask task, int generation)
    {
        _ = Task.Run(async () =>
        {
            var delay = Math.Max(0, _options.BulkJobDelayMs);
            await Task.Delay(delay);
            lock (_gate)
            {
                if (generation != _bulkGeneration)
                {
                    return;
                }

                task.State = "running";
                task.StartedAt = Now();
                job.UpdatedAt = Now();
            }

            // A while in running, so a poll can see it.
            await Task.Delay(delay / 2);
            lock (_gate)
            {
                if (generation != _bulkGeneration)
                {
                    return;
                }

                foreach (var item in task.Items)
                {
                    ApplyBulkItem(task.Operation, item);
                }

                task.State = task.Items.Any(i => i.Outcome == "rejected") ? "completed_with_errors" : "completed";
                task.CompletedAt = Now();
                job.UpdatedAt = Now();
            }
        });
    }

    /// <summary>Applies one item under the lock; a refusal is recorded on the item, never thrown.</summary>
    private void ApplyBulkItem(string operation, FakeBulkItem item)
    {
        var percent = _options.RejectBulkItemsPercent;
        if (percent > 0 && Random.Shared.Next(100) < percent)
        {
            item.Outcome = "rejected";
            item.ErrorCode = "injected_rejection";
            item.ErrorMessage = "Rejected at random (RejectBulkItemsPercent)";
            return;
        }

        try
        {
            switch (operation)
            {
                case "create":
                    {
                        var fields = BulkContactFields(item, BulkCreateContactFields);
                        RefuseExistingContact(fields);
                        item.ResultId = CreateContact(fields).Id;
                        item.Outcome = "created";
                        break;
                    }
                case "update":
                    {
                        var fields = BulkContactFields(item, BulkUpdateContactFields, companiesApplied: true);
                        // Checked before anything is applied, so an item with a malformed company leaves no trace.
                        var companies = BulkCompanyRefs(item.Body);
                        var contactId = OptionalString(item.Body, "id")!;
                        var contact = fields.Count > 0 || companies.Count == 0
                            ? UpdateContact(contactId, fields)
                            : VisibleById(contactId) ?? throw FakeIntercomError.NotFound("User");
                        ApplyBulkCompanies(contact, companies);
                        item.ResultId = contact.Id;
                        item.Outcome = "updated";
                        break;
                    }
                default:
                    {
                        var fields = (JsonObject)item.Body.DeepClone();
                        // In the bulk description, not kept by the fake (it has no last_request_at to bump).
                        if (fields.Remove("update_last_request_at"))
                        {
                            item.IgnoredFields.Add("update_last_request_at");
                        }

                        var existed = OptionalString(fields, "company_id") is { } companyId
                            && _companiesByCompanyId.ContainsKey(companyId);
                        item.ResultId = UpsertCompany(fields).Id;
                        item.Outcome = existed ? "updated" : "created";
                        break;
                    }
            }
        }
        catch (FakeIntercomError e)
        {
            item.Outcome = "rejected";
            item.ErrorCode = e.Code;
            item.ErrorMessage = e.Message;
            item.ErrorField = e.Field;
        }
    }

    /// <summary>The item's fields the single write understands; the others are noted as ignored.</summary>
    /// <param name="companiesApplied">The item's companies are applied on their own, so not noted as ignored.</param>
    private static JsonObject BulkContactFields(FakeBulkItem item, HashSet<string> allowed,
        bool companiesApplied = false)
    {
        var fields = new JsonObject();
        foreach (var (key, value) in item.Body)
        {
            if (key == "id" || (companiesApplied && key == "companies"))
            {
                continue;
            }

            if (allowed.Contains(key) && ModelledContactFields.Contains(key))
            {
                fields[key] = value?.DeepClone();
            }
            else
            {
                item.IgnoredFields.Add(key);
            }
        }

        return fields;
    }

    /// <summary>An update item's companies, [{company_id, name?, remove?}]; empty without any.</summary>
    private static List<BulkCompanyRef> BulkCompanyRefs(JsonObject body)
    {
        var refs = new List<BulkCompanyRef>();
        if (body["companies"] is null)
        {
            return refs;
        }

        if (body["companies"] is not JsonArray array)
        {
            throw new FakeIntercomError(422, "type_mismatch", "companies must be an array", "companies");
        }

        foreach (var node in array)
        {
            if (node is not JsonObject company)
            {
                throw new FakeIntercomError(422, "type_mismatch", "each company must be an object", "companies");
            }

            var companyId = StringField(company, "company_id")
                ?? throw new FakeIntercomError(422, "field_not_found", "company_id must be supplied", "companies");
            var remove = company["remove"] switch
            {
                null => false,
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                _ => throw new FakeIntercomError(422, "type_mismatch", "remove must be a boolean", "companies"),
            };
            refs.Add(new BulkCompanyRef(companyId, StringField(company, "name"), company.ContainsKey("name"), remove));
        }

        return refs;
    }

    /// <summary>
    /// Attaches the contact to each company (made when none has its company_id, a supplied name applied), or detaches
    /// it from one marked remove; attaching twice changes nothing. Under the lock.
    /// </summary>
    private void ApplyBulkCompanies(FakeContact contact, List<BulkCompanyRef> companies)
    {
        foreach (var reference in companies)
        {
            if (reference.Remove)
            {
                if (_companiesByCompanyId.TryGetValue(reference.CompanyId, out var attached)
                    && contact.CompanyIds.Remove(attached.Id))
                {
                    attached.ContactIds.Remove(contact.Id);
                    attached.UpdatedAt = Now();
                }

                continue;
            }

            var company = CompanyFor(reference.CompanyId);
            if (reference.HasName)
            {
                company.Name = reference.Name;
                company.UpdatedAt = Now();
            }

            Attach(contact, company);
        }
    }

    private sealed record BulkCompanyRef(string CompanyId, string? Name, bool HasName, bool Remove);

    /// <summary>
    /// The strict create: a user item whose external_id or email any contact already has (archived ones included, as
    /// the description says; leads included too, which is stricter than Intercom may be) is refused with a 409.
    /// Lead items are exempt.
    /// </summary>
    private void RefuseExistingContact(JsonObject fields)
    {
        if ((OptionalString(fields, "role") ?? "user") != "user")
        {
            return;
        }

        var externalId = OptionalString(fields, "external_id");
        var email = OptionalString(fields, "email");
        var holder =
            (externalId is null ? null
                : Candidates(_contactsByExternalId, externalId)
                    .FirstOrDefault(c => !c.MergedInto && c.ExternalId == externalId))
            ?? (email is null ? null
                : Candidates(_contactsByEmail, email).FirstOrDefault(c =>
                    !c.MergedInto && string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase)));
        if (holder is not null)
        {
            throw Conflict(holder);
        }
    }
}
