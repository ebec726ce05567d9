using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Serialization;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>Apache Parquet, one row group in memory at a time; nested columns (lists, structs, such as
/// a <c>messages</c> list of structs) become JSON arrays and objects. A gzipped file is first unpacked
/// to the step's temp folder, because Parquet needs random access.</summary>
internal sealed class ParquetSource(string tempDirectory, int maxRowBytes) : IRecordSource
{
    private double _progress;

    public double Progress => _progress;

    public async IAsyncEnumerable<SourceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var file = SourceStreams.IsGzip(path) ? await UnpackAsync(path, ct) : path;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        int groups;
        await using (var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: ct))
            groups = reader.RowGroupCount;
        long row = 0;
        for (var g = 0; g < groups; g++)
        {
            stream.Position = 0;
            var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, g, ct);
            foreach (var values in result.Data)
            {
                row++;
                var json = JsonSerializer.SerializeToUtf8Bytes(values);
                yield return json.Length > maxRowBytes
                    ? SourceRecord.Bad(row, $"row is {json.Length} bytes, over max_row_bytes ({maxRowBytes})")
                    : JsonLinesSource.Parse(row, json);
            }
            _progress = (g + 1.0) / groups;
        }
    }

    private async Task<string> UnpackAsync(string path, CancellationToken ct)
    {
        var unpacked = Path.Combine(tempDirectory, Path.GetFileNameWithoutExtension(path));
        await using var source = SourceStreams.Open(path);
        await using var target = File.Create(unpacked);
        await source.CopyToAsync(target, ct);
        return unpacked;
    }
}
