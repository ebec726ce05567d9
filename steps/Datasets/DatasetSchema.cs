using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet.Schema;

namespace Workflows.Steps.Datasets;

/// <summary>The one Parquet schema every dataset artifact uses, and the JSON form of <c>messages</c>.</summary>
internal static class DatasetSchema
{
    public static readonly DataField Id = StringField("id");
    public static readonly DataField SourceId = StringField("source_id");
    public static readonly DataField SourceFile = StringField("source_file");
    public static readonly DataField SourceLine = new("source_line", typeof(long), isNullable: false);
    public static readonly DataField Kind = StringField("kind");
    public static readonly DataField System = StringField("system");
    public static readonly DataField Instruction = StringField("instruction");
    public static readonly DataField Input = StringField("input");
    public static readonly DataField Output = StringField("output");
    public static readonly DataField Messages = StringField("messages");
    public static readonly DataField Text = StringField("text");
    public static readonly DataField Label = StringField("label");
    public static readonly DataField Chosen = StringField("chosen");
    public static readonly DataField Rejected = StringField("rejected");

    /// <summary>The string columns after <c>source_line</c>, in file order.</summary>
    public static readonly DataField[] ContentFields =
        [Kind, System, Instruction, Input, Output, Messages, Text, Label, Chosen, Rejected];

    public static readonly ParquetSchema Schema =
        new([Id, SourceId, SourceFile, SourceLine, .. ContentFields]);

    private static readonly JsonWriterOptions WriterOptions =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static DataField StringField(string name) => new(name, typeof(string), isNullable: true);

    public static string KindName(RowKind kind) => kind.ToString().ToLowerInvariant();

    public static RowKind ParseKind(string? name) =>
        Enum.TryParse<RowKind>(name, ignoreCase: true, out var kind)
            ? kind
            : throw new InvalidDataException($"unknown row kind '{name}' in dataset");

    /// <summary>Compact JSON <c>[{"role":…,"content":…}]</c>, non-ASCII kept as is so files stay readable.</summary>
    public static string MessagesToJson(IReadOnlyList<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role);
                writer.WriteString("content", message.Content);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return global::System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<ChatMessage>? MessagesFromJson(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToArray();
    }
}
