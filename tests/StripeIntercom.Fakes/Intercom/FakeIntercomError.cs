using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Intercom;

/// <summary>A failure the fake answers with Intercom's error.list body.</summary>
public sealed class FakeIntercomError : Exception
{
    public FakeIntercomError(int status, string code, string message, string? field = null) : base(message)
    {
        Status = status;
        Code = code;
        Field = field;
    }

    public int Status { get; }
    public string Code { get; }
    public string? Field { get; }

    public JsonObject ToJson() => Body(Code, Message, Field);

    public static JsonObject Body(string code, string message, string? field = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (field is not null)
        {
            error["field"] = field;
        }

        return new JsonObject
        {
            ["type"] = "error.list",
            ["request_id"] = Guid.NewGuid().ToString(),
            ["errors"] = new JsonArray(error),
        };
    }

    public static FakeIntercomError NotFound(string what) => new(404, "not_found", $"{what} Not Found");
    public static FakeIntercomError Invalid(string message, string? field = null) =>
        new(400, "parameter_invalid", message, field);
}
