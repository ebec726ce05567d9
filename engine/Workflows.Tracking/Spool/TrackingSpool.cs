using System.Text;
using System.Text.Json;
using Workflows.Tracking.Rest;

namespace Workflows.Tracking.Spool;

/// <summary>Appends events that could not be sent to a JSON-lines file, one file per process, so that
/// <c>wf tracking push</c> can replay them in order. Artifacts are copied beside it because the files a
/// step logs may be gone by the time the server is back.</summary>
internal sealed class TrackingSpool
{
    public const string FilePattern = "events-*.jsonl";

    private readonly Lock _gate = new();
    private readonly string _file;

    public TrackingSpool(string directory)
    {
        Directory = Path.GetFullPath(directory);
        // Sortable by start time, unique per process: replay reads files in name order.
        _file = Path.Combine(Directory, $"events-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.jsonl");
    }

    public string Directory { get; }

    public string NewEventId() => Guid.NewGuid().ToString("N");

    public void Append(SpoolEvent spoolEvent)
    {
        var line = JsonSerializer.Serialize(spoolEvent, MlflowJson.Options) + "\n";
        lock (_gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var stream = new FileStream(_file, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(line));
            // Flushed to disk: the spool is what survives when everything else went wrong.
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Copies an artifact file into the spool and returns its path relative to the spool.</summary>
    public string KeepArtifact(string localFile)
    {
        var relative = Path.Combine("artifacts", Guid.NewGuid().ToString("N"), Path.GetFileName(localFile));
        FileStore.AtomicFile.Copy(localFile, Path.Combine(Directory, relative));
        return relative;
    }

    public static IEnumerable<string> Files(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateFiles(directory, FilePattern).Order(StringComparer.Ordinal)
            : [];

    public static IEnumerable<SpoolEvent> Read(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            SpoolEvent? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<SpoolEvent>(line, MlflowJson.Options);
            }
            catch (JsonException)
            {
                // A process killed mid-append leaves a torn last line; everything before it is intact.
                continue;
            }

            if (parsed is not null)
            {
                yield return parsed;
            }
        }
    }
}
