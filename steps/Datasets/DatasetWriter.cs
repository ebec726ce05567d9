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
    private readonly List<DatasetRow> _pending = new(RowGroupSize);

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
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        var writer = await ParquetWriter.CreateAsync(DatasetSchema.Schema, stream, options, append: false, ct);
        return new DatasetWriter(stream, writer);
    }

    public async ValueTask WriteAsync(DatasetRow row, CancellationToken ct = default)
    {
        _pending.Add(row);
        Count++;
        if (_pending.Count == RowGroupSize) await FlushAsync(ct);
    }

    public async ValueTask WriteAllAsync(IEnumerable<DatasetRow> rows, CancellationToken ct = default)
    {
        foreach (var row in rows) await WriteAsync(row, ct);
    }

    public async ValueTask DisposeAsync()
    {
        // An empty file still gets one empty row group, so readers see the schema and zero rows.
        if (_pending.Count > 0 || Count == 0) await FlushAsync(CancellationToken.None);
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync(DatasetSchema.Id, Strings(r => r.Id));
            await group.WriteAsync(DatasetSchema.SourceId, Strings(r => r.SourceId));
            await group.WriteAsync(DatasetSchema.SourceFile, Strings(r => r.SourceFile));
            await group.WriteAsync(DatasetSchema.SourceLine,
                (ReadOnlyMemory<long>)_pending.Select(r => r.SourceLine).ToArray(), null, null, ct);
            await group.WriteAsync(DatasetSchema.Kind, Strings(r => DatasetSchema.KindName(r.Kind)));
            await group.WriteAsync(DatasetSchema.System, Strings(r => r.System));
            await group.WriteAsync(DatasetSchema.Instruction, Strings(r => r.Instruction));
            await group.WriteAsync(DatasetSchema.Input, Strings(r => r.Input));
            await group.WriteAsync(DatasetSchema.Output, Strings(r => r.Output));
            await group.WriteAsync(DatasetSchema.Messages,
                Strings(r => r.Messages is null ? null : DatasetSchema.MessagesToJson(r.Messages)));
            await group.WriteAsync(DatasetSchema.Text, Strings(r => r.Text));
            await group.WriteAsync(DatasetSchema.Label, Strings(r => r.Label));
            await group.WriteAsync(DatasetSchema.Chosen, Strings(r => r.Chosen));
            await group.WriteAsync(DatasetSchema.Rejected, Strings(r => r.Rejected));
            group.CompleteValidate();
        }
        _pending.Clear();
    }

    private string?[] Strings(Func<DatasetRow, string?> column) => _pending.Select(column).ToArray();
}
