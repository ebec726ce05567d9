using System.Globalization;
using System.Text;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Follows one job's output file: replays <see cref="JobEventWriter"/> lines into an observer
/// and passes other lines (the job script's own messages) on as log lines of the step.</summary>
/// <param name="skipExisting">Start at the file's current end (a job followed again after a detach: its past lines were shown then).</param>
internal sealed class JobEventReader(string path, string step, IRunObserver observer, bool skipExisting = false)
{
    private long _offset = skipExisting && File.Exists(path) ? new FileInfo(path).Length : 0;
    private readonly StringBuilder _partial = new();

    /// <summary>Reads what was appended since the last call; returns whether the step said it started.</summary>
    public bool Pump()
    {
        var started = false;
        foreach (var line in NewLines())
        {
            var parts = line.Split('\t');
            if (parts.Length < 3 || parts[0] != JobEventWriter.Tag)
            {
                if (line.Length > 0) observer.StepLog(step, StepLogLevel.Info, line);
                continue;
            }
            var payload = parts.Length > 3 ? parts[3] : "";
            switch (parts[1])
            {
                case "started":
                    started = true;
                    observer.StepStarted(parts[2]);
                    break;
                case "progress" when double.TryParse(payload, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction):
                    observer.StepProgress(parts[2], fraction, parts.Length > 4 && parts[4].Length > 0 ? parts[4] : null);
                    break;
                case "log":
                    observer.StepLog(parts[2], Enum.TryParse<StepLogLevel>(payload, out var level) ? level : StepLogLevel.Info, parts.Length > 4 ? string.Join('\t', parts[4..]) : "");
                    break;
            }
        }
        return started;
    }

    private IEnumerable<string> NewLines()
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < _offset) _offset = 0;
        stream.Seek(_offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        _partial.Append(reader.ReadToEnd());
        _offset = stream.Position; // what was read, even if the job appended meanwhile
        var text = _partial.ToString();
        var end = text.LastIndexOf('\n');
        if (end < 0) return [];
        _partial.Clear().Append(text[(end + 1)..]);
        return text[..end].Split('\n').Select(l => l.TrimEnd('\r'));
    }
}
