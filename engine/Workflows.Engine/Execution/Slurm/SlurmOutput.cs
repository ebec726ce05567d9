using System.Globalization;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Reads what Slurm's commands print; the shapes come from Slurm 22.05's own output.</summary>
public static class SlurmOutput
{
    /// <summary>The job id <c>sbatch --parsable</c> printed (<c>123</c>, or <c>123;cluster</c> on a federation).</summary>
    public static string? ParseSubmitted(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        var id = line?.Split(';')[0];
        return id is { Length: > 0 } && id.All(char.IsAsciiDigit) ? id : null;
    }

    /// <summary>Jobs in <c>scontrol -o show job</c> output: one line per job of <c>Key=Value</c> pairs.</summary>
    public static IReadOnlyList<SlurmJobStatus> ParseScontrol(string stdout)
    {
        var jobs = new List<SlurmJobStatus>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = Fields(line);
            if (!fields.TryGetValue("JobId", out var id) || !fields.TryGetValue("JobState", out var state)) continue;
            var node = fields.GetValueOrDefault("NodeList");
            jobs.Add(new SlurmJobStatus(id, state, Null(fields.GetValueOrDefault("Reason")), Null(node), fields.GetValueOrDefault("ExitCode") ?? "0:0",
                int.TryParse(fields.GetValueOrDefault("Restarts"), NumberStyles.None, CultureInfo.InvariantCulture, out var restarts) ? restarts : 0));
        }
        return jobs;
    }

    /// <summary>Jobs in <c>sacct -X -n -P -o JobID,State,NodeList,ExitCode</c> output (also with <c>-c</c>,
    /// the job-completion log). <c>CANCELLED by 0</c> reads as CANCELLED.</summary>
    public static IReadOnlyList<SlurmJobStatus> ParseSacct(string stdout)
    {
        var jobs = new List<SlurmJobStatus>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length < 4 || parts[0].Contains('.')) continue; // job steps (123.batch) are not jobs
            jobs.Add(new SlurmJobStatus(parts[0], parts[1].Split(' ')[0], null, Null(parts[2]), parts[3], 0));
        }
        return jobs;
    }

    /// <summary><c>afterok:1:2</c> for the given jobs; null when there are none.</summary>
    public static string? AfterOk(IEnumerable<string> jobIds)
    {
        var ids = jobIds.ToList();
        return ids.Count == 0 ? null : "afterok:" + string.Join(':', ids);
    }

    /// <summary>The process exit code of <c>code:signal</c> (<c>3:0</c> → 3); null when malformed.</summary>
    public static int? ExitStatus(string exitCode) =>
        int.TryParse(exitCode.Split(':')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;

    private static Dictionary<string, string> Fields(string line)
    {
        // Values hold no spaces in one-line mode except a few free-text ones (Comment, Reason with text);
        // a token without '=' continues the previous value.
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=');
            if (equals <= 0)
            {
                if (last is not null) fields[last] += " " + token;
                continue;
            }
            last = token[..equals];
            fields[last] = token[(equals + 1)..];
        }
        return fields;
    }

    private static string? Null(string? value) => value is null or "" or "(null)" or "None" ? null : value;
}
