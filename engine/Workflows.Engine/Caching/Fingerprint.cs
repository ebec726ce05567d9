using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>A step's identity for the run cache: sha256 over (step type, step version, canonical
/// options). Artifact inputs appear in the options as their content digests, never as paths.</summary>
/// <remarks>The rule when it cannot be computed: if any input's digest is not yet known (its producer
/// has not run in this state), the step's fingerprint is unknown and the step is planned to run; it is
/// computed again once the inputs exist, and may then still hit the cache.</remarks>
public static class Fingerprint
{
    public static string Compute(string stepType, int stepVersion, JsonNode canonicalOptions)
    {
        var document = new JsonObject
        {
            ["options"] = CanonicalJson.Sorted(canonicalOptions),
            ["step"] = stepType,
            ["version"] = stepVersion,
        };
        var text = document.ToJsonString(EngineJson.Compact);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
