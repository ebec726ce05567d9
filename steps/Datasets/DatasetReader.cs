using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Workflows.Steps.Datasets;

/// <summary>Streams the rows of a canonical <c>data.parquet</c>, one row group in memory at a time.</summary>
internal static class DatasetReader
{
    public static async IAsyncEnumerable<DatasetRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: ct);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            async Task<string?[]> Strings(DataField field)
            {
                var values = new string?[count];
                if (group.ColumnExists(field)) await group.ReadAsync(field, values.AsMemory()!, null, ct);
                return values;
            }
            var ids = await Strings(DatasetSchema.Id);
            var sourceIds = await Strings(DatasetSchema.SourceId);
            var files = await Strings(DatasetSchema.SourceFile);
            var lines = new long[count];
            await group.ReadAsync<long>(DatasetSchema.SourceLine, lines.AsMemory(), null, ct);
            var content = new string?[DatasetSchema.ContentFields.Length][];
            for (var f = 0; f < content.Length; f++) content[f] = await Strings(DatasetSchema.ContentFields[f]);
            for (var i = 0; i < count; i++)
            {
                yield return new DatasetRow
                {
                    Id = ids[i]!, SourceId = sourceIds[i]!, SourceFile = files[i]!, SourceLine = lines[i],
                    Kind = DatasetSchema.ParseKind(content[0][i]),
                    System = content[1][i], Instruction = content[2][i], Input = content[3][i], Output = content[4][i],
                    Messages = DatasetSchema.MessagesFromJson(content[5][i]),
                    Text = content[6][i], Label = content[7][i], Chosen = content[8][i], Rejected = content[9][i],
                };
            }
        }
    }
}
