using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest.Sources;

namespace Workflows.Steps.Ingest;

/// <summary>One streaming pass: records from the source, layout decided by the first good one, each
/// normalised and written, or quarantined with its reason.</summary>
internal static class IngestPass
{
    private const int ProgressEvery = 100_000;

    public static async Task<IngestTally> RunAsync(IRecordSource source, string path, string sourceFile, IngestOptions options,
        string outputFolder, IStepContext context, CancellationToken ct)
    {
        var tally = new IngestTally();
        var mapping = options.Columns ?? new ColumnMapping();
        var normaliser = options.Format == IngestFormat.Auto ? null : new RowNormaliser(options.Format, mapping, sourceFile, options.DropFields);
        tally.Layout = options.Format == IngestFormat.Auto ? null : options.Format;
        await using var writer = await DatasetFile.CreateWriterAsync(outputFolder, ct);
        using var quarantine = new QuarantineWriter(Path.Combine(outputFolder, QuarantineWriter.FileName));
        await foreach (var record in source.ReadAsync(path, ct))
        {
            if (record.Fatal)
            {
                tally.FatalError = $"{sourceFile}:{record.Line}: {record.Error}";
                break;
            }
            tally.RowsRead++;
            if (tally.RowsRead % ProgressEvery == 0) context.ReportProgress(source.Progress, $"{tally.RowsRead:N0} rows read");
            if (record.Fields is null)
            {
                quarantine.Add(sourceFile, record.Line, record.Error!, record.Raw);
                continue;
            }
            if (normaliser is null)
            {
                tally.Layout = LayoutDetector.Detect(record.Fields, mapping);
                if (tally.Layout is null)
                {
                    tally.FatalError = $"{sourceFile}:{record.Line}: unknown format: fields [{string.Join(", ", record.Fields.Select(f => f.Key))}] " +
                        "match no known layout (alpaca, sharegpt, openai, prompt_completion, text, preference, classification, kto); set format: or columns:" +
                        (source is DelimitedSource && options.Header ? HeaderGuess.Hint([.. record.Fields.Select(f => f.Key)]) : "");
                    break;
                }
                normaliser = new RowNormaliser(tally.Layout.Value, mapping, sourceFile, options.DropFields);
            }
            var (row, error) = normaliser.Normalise(record.Fields, record.Line);
            if (row is null)
            {
                quarantine.Add(sourceFile, record.Line, error!, SourceRecord.Preview(record.Fields.ToJsonString()));
                continue;
            }
            await writer.WriteAsync(row, ct);
            tally.Lengths.Add(row.ContentText().Length);
        }
        tally.RowsKept = writer.Count;
        tally.RowsQuarantined = quarantine.Count;
        tally.FirstBadLines = quarantine.FirstLines;
        return tally;
    }
}
