using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Tracking.Rest;

/// <summary>JSON as MLflow speaks it: snake_case names, and NaN/Infinity as the strings
/// <c>"NaN"</c>/<c>"Infinity"</c>, which the server accepts and returns for metric values.</summary>
internal static class MlflowJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = true,
    };
}
