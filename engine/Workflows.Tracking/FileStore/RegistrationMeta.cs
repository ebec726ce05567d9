using System.Text.Json;
using Workflows.Engine.Tracking;
using Workflows.Tracking.Rest;

namespace Workflows.Tracking.FileStore;

/// <summary>A pending registration's version tags and aliases, kept as one JSON run tag in the file store.</summary>
internal static class RegistrationMeta
{
    public static string Write(ModelRegistration registration) =>
        JsonSerializer.Serialize(new Meta(registration.Tags, registration.Aliases), MlflowJson.Options);

    public static Meta Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new Meta(new Dictionary<string, string>(), []);
        }

        try
        {
            var meta = JsonSerializer.Deserialize<Meta>(json, MlflowJson.Options);
            return new Meta(meta?.Tags ?? new Dictionary<string, string>(), meta?.Aliases ?? []);
        }
        catch (JsonException)
        {
            // Edited by hand into something else: register without tags rather than not at all.
            return new Meta(new Dictionary<string, string>(), []);
        }
    }

    internal sealed record Meta(IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Aliases);
}
