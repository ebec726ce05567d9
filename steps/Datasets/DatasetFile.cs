namespace Workflows.Steps.Datasets;

/// <summary>Reads and writes dataset artifacts: a folder holding <c>data.parquet</c> in the canonical
/// schema (see <c>steps/Datasets/README.md</c>). Steps that consume datasets (train, evaluate) read rows
/// here and never touch Parquet directly.</summary>
public static class DatasetFile
{
    /// <summary>The data file's name inside a dataset folder.</summary>
    public const string FileName = "data.parquet";

    /// <summary>The data file of a dataset folder; a path to a <c>.parquet</c> file is returned as is.</summary>
    public static string PathOf(string datasetFolderOrFile) =>
        datasetFolderOrFile.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? datasetFolderOrFile
            : Path.Combine(datasetFolderOrFile, FileName);

    /// <summary>True when the folder (or file) holds a dataset.</summary>
    public static bool Exists(string datasetFolderOrFile) => File.Exists(PathOf(datasetFolderOrFile));

    /// <summary>Starts a new <c>data.parquet</c> in <paramref name="folder"/>; fails if one exists.</summary>
    public static Task<DatasetWriter> CreateWriterAsync(string folder, CancellationToken ct = default) =>
        DatasetWriter.CreateAsync(PathOf(folder), ct);

    /// <summary>Streams every row in file order; memory holds one row group (32,768 rows) at a time.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no <c>data.parquet</c>.</exception>
    public static IAsyncEnumerable<DatasetRow> ReadAsync(string datasetFolderOrFile, CancellationToken ct = default)
    {
        var path = PathOf(datasetFolderOrFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"no dataset at '{datasetFolderOrFile}' (expected {FileName})", path);
        return DatasetReader.ReadAsync(path, ct);
    }

    /// <summary>Every row, in file order, in memory.</summary>
    public static async Task<List<DatasetRow>> ReadAllAsync(string datasetFolderOrFile, CancellationToken ct = default)
    {
        var rows = new List<DatasetRow>();
        await foreach (var row in ReadAsync(datasetFolderOrFile, ct)) rows.Add(row);
        return rows;
    }

    /// <summary>Writes <paramref name="rows"/> as the dataset in <paramref name="folder"/>.</summary>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteAllAsync(string folder, IEnumerable<DatasetRow> rows, CancellationToken ct = default)
    {
        await using var writer = await CreateWriterAsync(folder, ct);
        await writer.WriteAllAsync(rows, ct);
        return writer.Count;
    }
}
