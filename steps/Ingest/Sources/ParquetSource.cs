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
        var (groups, openError) = await CountRowGroupsAsync(stream, ct);
        if (openError is not null)
        {
            yield return SourceRecord.Broken(1, $"not a readable Parquet file: {openError}; check that the file is Parquet, or set file_type: to what it holds");
            yield break;
        }
        long row = 0;
        for (var g = 0; g < groups; g++)
        {
            stream.Position = 0;
            var (data, groupError) = await ReadRowGroupAsync(stream, g, ct);
            if (groupError is not null)
            {
                yield return SourceRecord.Broken(row + 1, $"row group {g + 1} of {groups} cannot be read ({groupError}); the file is damaged or was cut short");
                yield break;
            }
            foreach (var values in data!)
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

    // Parquet.Net reports a non-Parquet or damaged file with assorted exception types (IOException,
    // InvalidDataException, its own, index errors from a corrupt footer); each becomes one located error.
    private static async Task<(int Groups, string? Error)> CountRowGroupsAsync(Stream stream, CancellationToken ct)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: ct);
            return (reader.RowGroupCount, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (0, e.Message);
        }
    }

    private static async Task<(IList<Dictionary<string, object>>? Data, string? Error)> ReadRowGroupAsync(Stream stream, int group, CancellationToken ct)
    {
        try
        {
            var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, group, ct);
            return (result.Data, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, e.Message);
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
