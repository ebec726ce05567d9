using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution.Slurm;

/// <summary><c>.wf/runs/&lt;id&gt;/slurm/jobs.json</c>: the jobs of a run handed to Slurm. Its presence
/// is what marks a run as a Slurm run (so <c>wf resume</c> submits again and <c>wf show</c> lists jobs).</summary>
public sealed class SlurmJobTable
{
    public const string Folder = "slurm";
    public const string File = "jobs.json";

    /// <summary>The probe job that checks a compute node sees the run folder.</summary>
    public string? ProbeJobId { get; set; }

    /// <summary>The run's <c>--device</c> override, kept for <c>wf resume</c>.</summary>
    public string? Device { get; set; }

    /// <summary>Every job submitted for the run, oldest first (a resumed step has several).</summary>
    public List<SlurmJobEntry> Jobs { get; set; } = [];

    /// <summary>The latest job of each step.</summary>
    public IReadOnlyDictionary<string, SlurmJobEntry> Latest() =>
        Jobs.GroupBy(j => j.Step, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public static string DirectoryOf(string runDirectory) => Path.Combine(runDirectory, Folder);

    /// <summary>The table of the run in <paramref name="runDirectory"/>; null for a run that did not use Slurm.</summary>
    public static SlurmJobTable? Load(string runDirectory)
    {
        var path = Path.Combine(DirectoryOf(runDirectory), File);
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SlurmJobTable>(System.IO.File.ReadAllText(path), EngineJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string runDirectory)
    {
        Directory.CreateDirectory(DirectoryOf(runDirectory));
        // Rewritten on every look at the queue: atomic, but not fsynced (Slurm itself remains the truth).
        AtomicFile.WriteAllText(Path.Combine(DirectoryOf(runDirectory), File), JsonSerializer.Serialize(this, EngineJson.Options), durable: false);
    }
}
