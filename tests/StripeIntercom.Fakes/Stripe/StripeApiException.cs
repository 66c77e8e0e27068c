using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>Thrown by an endpoint to answer with Stripe's error body {"error":{type, code, message, param}}.</summary>
public sealed class StripeApiException(int status, string message, string type = "invalid_request_error",
    string? code = null, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public JsonObject Body()
    {
        var error = new JsonObject { ["type"] = type, ["message"] = Message };
        if (code is not null)
        {
            error["code"] = code;
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        if (code is not null)
        {
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        return new JsonObject { ["error"] = error };
    }

    public static StripeApiException NoSuch(string kind, string id, string? param = null) =>
        new(param is null ? 404 : 400, $"No such {kind}: '{id}'", code: "resource_missing", param: param ?? "id");
}
