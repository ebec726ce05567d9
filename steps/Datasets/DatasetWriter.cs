using Parquet;

namespace Workflows.Steps.Datasets;

/// <summary>Appends rows to a canonical <c>data.parquet</c>, one row group per
/// <see cref="RowGroupSize"/> rows, so memory stays bounded however many rows are written.</summary>
/// <remarks>Output bytes depend only on the rows and their order: Parquet.Net writes no timestamps and
/// the compression (Snappy) and row group size are fixed here. Create with
/// <see cref="DatasetFile.CreateWriterAsync"/>; dispose to finish the file.</remarks>
public sealed class DatasetWriter : IAsyncDisposable
{
    /// <summary>Rows per row group. Part of the byte layout: changing it changes every dataset digest.</summary>
    public const int RowGroupSize = 32_768;

    private readonly Stream _stream;
    private readonly ParquetWriter _writer;
    private List<DatasetRow> _pending = new(RowGroupSize);
    private Task _flushing = Task.CompletedTask;

    private DatasetWriter(Stream stream, ParquetWriter writer)
    {
        _stream = stream;
        _writer = writer;
    }

    /// <summary>Rows written so far.</summary>
    public long Count { get; private set; }

    internal static async Task<DatasetWriter> CreateAsync(string path, CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Snappy,
            // Decide dictionary encoding from a small sample: unique text columns skip a costly full scan.
            DictionaryEncodingSampleSize = 1000,
            // Parquet.Net pools its buffers without limit unless told otherwise.
            MaximumSmallPoolFreeBytes = 16 << 20,
            MaximumLargePoolFreeBytes = 64 << 20,
        };
        var writer = await ParquetWriter.CreateAsync(DatasetSchema.Schema, stream, options, append: false, ct);
        return new DatasetWriter(stream, writer);
    }

    public async ValueTask WriteAsync(DatasetRow row, CancellationToken ct = default)
    {
        _pending.Add(row);
        Count++;
        if (_pending.Count < RowGroupSize) return;
        // Encode the full row group on another core while the caller produces the next one; one flush
        // in flight at a time keeps row groups in order and memory at two row groups.
        await _flushing;
        var batch = _pending;
        _pending = new List<DatasetRow>(RowGroupSize);
        _flushing = Task.Run(() => FlushAsync(batch, ct), ct);
    }

    public async ValueTask WriteAllAsync(IEnumerable<DatasetRow> rows, CancellationToken ct = default)
    {
        foreach (var row in rows) await WriteAsync(row, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _flushing;
            // An empty file still gets one empty row group, so readers see the schema and zero rows.
            if (_pending.Count > 0 || Count == 0) await FlushAsync(_pending, CancellationToken.None);
        }
        finally
        {
            await _writer.DisposeAsync();
            await _stream.DisposeAsync();
        }
    }

    private async Task FlushAsync(List<DatasetRow> batch, CancellationToken ct)
    {
        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync(DatasetSchema.Id, Strings(batch, r => r.Id));
            await group.WriteAsync(DatasetSchema.SourceId, Strings(batch, r => r.SourceId));
            await group.WriteAsync(DatasetSchema.SourceFile, Strings(batch, r => r.SourceFile));
            await group.WriteAsync(DatasetSchema.SourceLine,
                (ReadOnlyMemory<long>)batch.Select(r => r.SourceLine).ToArray(), null, null, ct);
            await group.WriteAsync(DatasetSchema.Kind, Strings(batch, r => DatasetSchema.KindName(r.Kind)));
            await group.WriteAsync(DatasetSchema.System, Strings(batch, r => r.System));
            await group.WriteAsync(DatasetSchema.Instruction, Strings(batch, r => r.Instruction));
            await group.WriteAsync(DatasetSchema.Input, Strings(batch, r => r.Input));
            await group.WriteAsync(DatasetSchema.Output, Strings(batch, r => r.Output));
            await group.WriteAsync(DatasetSchema.Messages,
                Strings(batch, r => r.Messages is null ? null : DatasetSchema.MessagesToJson(r.Messages)));
            await group.WriteAsync(DatasetSchema.Text, Strings(batch, r => r.Text));
            await group.WriteAsync(DatasetSchema.Label, Strings(batch, r => r.Label));
            await group.WriteAsync(DatasetSchema.Chosen, Strings(batch, r => r.Chosen));
            await group.WriteAsync(DatasetSchema.Rejected, Strings(batch, r => r.Rejected));
            group.CompleteValidate();
        }
    }

    private static string?[] Strings(List<DatasetRow> batch, Func<DatasetRow, string?> column) => batch.Select(column).ToArray();
}
