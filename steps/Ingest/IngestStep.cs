using Workflows.Engine.Steps;

namespace Workflows.Steps.Ingest;

/// <summary>Reads one source file, in any common fine-tuning layout, into a canonical dataset; records
/// that cannot be used go to <c>quarantine.jsonl</c> beside <c>data.parquet</c> with their reasons.</summary>
[Step("ingest", Version = 2, Description = "Read jsonl/json/csv/tsv/parquet/txt (.gz) in any common layout into a canonical dataset")]
[StepOutput("dataset", ArtifactKind.Dataset, Description = "data.parquet (canonical schema) and quarantine.jsonl")]
public sealed class IngestStep : IStep<IngestOptions>
{
    public async Task<StepResult> RunAsync(IngestOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var path = context.ResolvePath(options.Path);
        if (!File.Exists(path))
            return StepResult.Failed($"input file '{options.Path}' not found (looked at {path}); check path:");
        var (fileType, typeError) = SourceTypes.Resolve(options.FileType, path);
        if (fileType is null) return StepResult.Failed(typeError!);
        if (!options.Header && fileType is not (SourceFileType.Csv or SourceFileType.Tsv))
            return StepResult.Failed($"header: false and column_names: apply to csv and tsv files; '{options.Path}' is read as {fileType.Value.ToString().ToLowerInvariant()}");
        var sourceFile = Path.GetRelativePath(context.ProjectRoot, path).Replace('\\', '/');

        var output = context.CreateOutput("dataset");
        var source = SourceTypes.Create(fileType.Value, options, context.TempDirectory);
        IngestTally tally;
        try
        {
            tally = await IngestPass.RunAsync(source, path, sourceFile, options, output, context, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // A damaged .gz, a file that vanished or cannot be read: the file and the problem, no stack trace.
            return StepResult.Failed($"{sourceFile}: cannot be read as {fileType.Value.ToString().ToLowerInvariant()}: {e.Message}");
        }

        var metrics = tally.Metrics();
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        context.Log($"{sourceFile}: {tally.Layout?.ToString().ToLowerInvariant() ?? "no"} layout, {tally.RowsRead:N0} rows read, " +
            $"{tally.RowsKept:N0} kept, {tally.RowsQuarantined:N0} quarantined");
        if (tally.FatalError is not null) return StepResult.Failed(tally.FatalError, metrics);
        if (tally.BadFraction > options.MaxBadFraction)
            return StepResult.Failed(BadRowsMessage(tally, options, KeepQuarantine(output, context)), metrics);
        if (tally.RowsKept == 0)
            return StepResult.Failed($"{sourceFile}: no rows found (the file holds {tally.RowsRead} records); check path: and format:", metrics);
        if (tally.RowsQuarantined > 0) context.Log(QuarantinedWarning(tally, options), StepLogLevel.Warning);
        context.ReportProgress(1, $"{tally.RowsKept:N0} rows");
        return StepResult.Succeeded(metrics);
    }

    /// <summary>A failed step's output is discarded, so the quarantine file moves to the state folder,
    /// which outlives the failure, and is attached to the tracking run.</summary>
    private static string KeepQuarantine(string output, IStepContext context)
    {
        var kept = Path.Combine(context.StateDirectory, QuarantineWriter.FileName);
        Directory.CreateDirectory(context.StateDirectory);
        File.Copy(Path.Combine(output, QuarantineWriter.FileName), kept, overwrite: true);
        context.LogArtifact(kept, QuarantineWriter.FileName);
        return kept;
    }

    private static string QuarantinedWarning(IngestTally tally, IngestOptions options) =>
        $"QUARANTINED {tally.RowsQuarantined:N0} of {tally.RowsRead:N0} rows ({tally.BadFraction:P2}, within max_bad_fraction {options.MaxBadFraction:G}); " +
        $"they are left out of the dataset:\n  {string.Join("\n  ", tally.FirstBadLines)}\n" +
        $"Every one, with its reason, is in {QuarantineWriter.FileName} beside data.parquet (wf show lists the folder). " +
        "To fail on any bad row instead, set max_bad_fraction: 0.";

    private static string BadRowsMessage(IngestTally tally, IngestOptions options, string quarantinePath) =>
        $"{tally.RowsQuarantined:N0} of {tally.RowsRead:N0} rows are bad ({tally.BadFraction:P2}), over max_bad_fraction " +
        $"({options.MaxBadFraction:G}):\n  {string.Join("\n  ", tally.FirstBadLines)}\n" +
        $"All bad rows with reasons: {quarantinePath}. Fix the source, map fields with columns:, or raise max_bad_fraction.";
}
