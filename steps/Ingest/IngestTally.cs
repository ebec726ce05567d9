namespace Workflows.Steps.Ingest;

/// <summary>What one pass over a source file found.</summary>
internal sealed class IngestTally
{
    public long RowsRead { get; set; }

    public long RowsKept { get; set; }

    public long RowsQuarantined { get; set; }

    public IngestFormat? Layout { get; set; }

    /// <summary>Why the file as a whole could not be read (broken structure, unknown layout).</summary>
    public string? FatalError { get; set; }

    public IReadOnlyList<string> FirstBadLines { get; set; } = [];

    public LengthStats Lengths { get; } = new();

    public double BadFraction => RowsRead == 0 ? 0 : (double)RowsQuarantined / RowsRead;

    public Dictionary<string, double> Metrics()
    {
        var metrics = new Dictionary<string, double>
        {
            ["rows_read"] = RowsRead,
            ["rows_kept"] = RowsKept,
            ["rows_quarantined"] = RowsQuarantined,
            ["bad_fraction"] = BadFraction,
        };
        foreach (var (name, value) in Lengths.Summary()) metrics[$"chars_{name}"] = value;
        return metrics;
    }
}
