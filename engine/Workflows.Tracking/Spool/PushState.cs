using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Tracking.FileStore;
using Workflows.Tracking.Rest;

namespace Workflows.Tracking.Spool;

/// <summary>What earlier pushes to one server did: local run id → server run id, and the event ids
/// already applied. Saved after every event, so a push killed half-way resumes where it stopped.</summary>
internal sealed class PushState
{
    public Dictionary<string, string> Runs { get; init; } = new(StringComparer.Ordinal);

    public HashSet<string> Applied { get; init; } = new(StringComparer.Ordinal);

    /// <summary>One state file per server, so pushing the same spool to two servers works.</summary>
    public static string PathFor(string folder, Uri server, string prefix = "")
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server.GetLeftPart(UriPartial.Path).TrimEnd('/'))))[..16];
        return Path.Combine(folder, $"{prefix}push-state-{hash}.json");
    }

    public static PushState Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<PushState>(File.ReadAllText(path), MlflowJson.Options) ?? new() : new();

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, MlflowJson.Options));
}
