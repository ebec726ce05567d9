using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution.Slurm;

/// <summary><c>.wf/runs/&lt;id&gt;/slurm/jobs.json</c>: the jobs of a run handed to Slurm. Its presence
/// is what marks a run as a Slurm run (so <c>wf resume</c> submits again and <c>wf show</c> lists jobs).</summary>
public sealed class SlurmJobTable
{
    private string? _onDisk; // the text this table last read or wrote, so an unchanged table is not written again

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
            var text = System.IO.File.ReadAllText(path);
            var table = JsonSerializer.Deserialize<SlurmJobTable>(text, EngineJson.Options);
            if (table is not null) table._onDisk = text;
            return table;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the table when it changed since it was read or last written; true when it wrote.</summary>
    public bool Save(string runDirectory)
    {
        var text = JsonSerializer.Serialize(this, EngineJson.Options);
        if (text == _onDisk) return false;
        Directory.CreateDirectory(DirectoryOf(runDirectory));
        // Saved after every look at the queue that changed a job: atomic, but not fsynced (Slurm itself remains the truth).
        AtomicFile.WriteAllText(Path.Combine(DirectoryOf(runDirectory), File), text, durable: false);
        _onDisk = text;
        return true;
    }
}
