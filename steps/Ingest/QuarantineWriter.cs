using System.Text.Encodings.Web;
using System.Text.Json;

namespace Workflows.Steps.Ingest;

/// <summary>Writes rejected records to <c>quarantine.jsonl</c>, one JSON object a line:
/// <c>{"source_file", "source_line", "reason", "raw"}</c> (raw cut to 300 chars, null when unreadable).</summary>
internal sealed class QuarantineWriter : IDisposable
{
    public const string FileName = "quarantine.jsonl";

    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _writer;
    private readonly List<string> _firstLines = [];

    public QuarantineWriter(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        _writer = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public string Path { get; }

    public long Count { get; private set; }

    /// <summary>"line N: reason" for the first few records, for the failure message.</summary>
    public IReadOnlyList<string> FirstLines => _firstLines;

    public void Add(string sourceFile, long line, string reason, string? raw)
    {
        Count++;
        if (_firstLines.Count < 5) _firstLines.Add($"{sourceFile}:{line}: {reason}");
        _writer.WriteStartObject();
        _writer.WriteString("source_file", sourceFile);
        _writer.WriteNumber("source_line", line);
        _writer.WriteString("reason", reason);
        _writer.WriteString("raw", raw);
        _writer.WriteEndObject();
        _writer.Flush();
        _stream.WriteByte((byte)'\n');
        _writer.Reset();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
