namespace Workflows.Steps.Ingest.Sources;

/// <summary>Streams the records of one file encoding. Bad records come back as errors, in file order;
/// memory stays bounded by the largest record (capped by <c>max_row_bytes</c>).</summary>
internal interface IRecordSource
{
    IAsyncEnumerable<SourceRecord> ReadAsync(string path, CancellationToken ct);

    /// <summary>How far the read has got, 0 to 1 (bytes of the file on disk, compressed or not).</summary>
    double Progress { get; }
}
