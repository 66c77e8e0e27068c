namespace StripeIntercom.Fakes.Intercom;

public enum FakeFaultKind
{
    ServerError500,
    ServiceUnavailable503,
    /// <summary>The connection is reset before any response.</summary>
    Abort,
    /// <summary>The request is fully processed (a create is stored) and then the connection is reset.</summary>
    LoseResponse,
    /// <summary>401 as for a revoked token (the request is not processed).</summary>
    Unauthorized401,
    /// <summary>429 with the X-RateLimit-* headers, Remaining 0 and Reset at the next second.</summary>
    TooManyRequests429,
    /// <summary>429 without any rate-limit header, as a proxy in front of the API might send.</summary>
    TooManyRequests429NoHeaders,
    /// <summary>
    /// A Preview bulk request is answered 202 with its job as usual, but the task it added is never processed: the job
    /// stays pending (or running beside other tasks) for ever and GET keeps answering 200, because the description's
    /// job GET has no 404. Appends are taken while the job is open, and are never processed either.
    /// </summary>
    LoseBulkJob,
}

/// <summary>An armed fault: the next <see cref="Remaining"/> matching requests fail this way.</summary>
public sealed class FakeFault
{
    public FakeFaultKind Kind { get; init; }
    public int Remaining { get; set; }

    /// <summary>Matching requests to let through before the fault starts (an outage that begins mid-run).</summary>
    public int After { get; set; } = 1;
    /// <summary>Route template such as "POST /contacts"; null matches every API route.</summary>
    public string? Route { get; init; }
    /// <summary>Text the request's path, query or body must contain (a customer id, say); null matches any
    /// request.</summary>
    public string? Containing { get; init; }

    /// <summary>Parses the names the control surface accepts: 500, 503, abort, lose_response, 401, 429,
    /// 429_no_headers, lose_bulk_job.</summary>
    public static FakeFaultKind ParseKind(string text) => text.ToLowerInvariant() switch
    {
        "500" or "servererror500" => FakeFaultKind.ServerError500,
        "503" or "serviceunavailable503" => FakeFaultKind.ServiceUnavailable503,
        "abort" or "reset" => FakeFaultKind.Abort,
        "lose_response" or "loseresponse" => FakeFaultKind.LoseResponse,
        "401" or "unauthorized401" => FakeFaultKind.Unauthorized401,
        "429" or "toomanyrequests429" => FakeFaultKind.TooManyRequests429,
        "429_no_headers" or "toomanyrequests429noheaders" => FakeFaultKind.TooManyRequests429NoHeaders,
        "lose_bulk_job" or "losebulkjob" => FakeFaultKind.LoseBulkJob,
        _ => throw new ArgumentException(
            $"Unknown fault kind '{text}' (use 500, 503, abort, lose_response, 401, 429, 429_no_headers or " +
            "lose_bulk_job)."),
    };
}
