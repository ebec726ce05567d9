using System.Text;
using System.Text.Json;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

[TestFixture]
public sealed class IngestBadRowTests
{
    private const string Good = """{"instruction": "a", "output": "b"}""";

    private static IEnumerable<TestCaseData> BadRows()
    {
        TestCaseData Case(string name, string file, byte[] content, long line, string reason) =>
            new TestCaseData(file, content, line, reason).SetName($"RunAsync_{name}_QuarantinesLineWithReason");
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        yield return Case("MalformedJson", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"a\", \n"), 2, "malformed JSON");
        yield return Case("DuplicateKey", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"a\", \"output\": \"b\", \"output\": \"c\"}}\n"), 2, "malformed JSON");
        yield return Case("NotAnObject", "a.jsonl", Utf8($"{Good}\n[1, 2]\n"), 2, "expected a JSON object, got array");
        yield return Case("MissingField", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"a\"}}\n"), 2, "missing required field 'output'");
        yield return Case("EmptyText", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"a\", \"output\": \"  \"}}\n"), 2, "empty text in field 'output'");
        yield return Case("WrongType", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"a\", \"output\": {{\"x\": 1}}}}\n"), 2, "field 'output' must be a string, got object");
        yield return Case("InvalidUtf8", "a.jsonl", [.. Utf8($"{Good}\n{{\"instruction\": \"a\", \"output\": \""), 0xC3, 0x28, .. Utf8("\"}\n")], 2, "invalid UTF-8");
        yield return Case("OverSizeLimit", "a.jsonl", Utf8($"{Good}\n{{\"instruction\": \"{new string('x', 500)}\", \"output\": \"b\"}}\n"), 2, "over max_row_bytes (256)");
        yield return Case("MalformedArrayElement", "a.json", Utf8($"[\n{Good},\n{{\"instruction\": \"a\" \"output\": \"b\"}}\n]"), 3, "malformed JSON");
        yield return Case("CsvFieldCount", "a.csv", Utf8("instruction,output\na,b\nc,d,e\n"), 3, "expected 2 fields (instruction, output), found 3");
        yield return Case("TxtInvalidUtf8", "a.txt", [.. Utf8("fine\n"), 0xFF, 0xFE, .. Utf8("\n")], 2, "invalid UTF-8");
        yield return Case("UnknownRole", "a.jsonl", Utf8("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"messages\": [{\"role\": \"alien\", \"content\": \"hi\"}]}\n"), 2, "messages[0] has unknown role 'alien'");
    }

    [TestCaseSource(nameof(BadRows))]
    public async Task RunAsync_BadRow_QuarantinesLineWithReason(string file, byte[] content, long line, string reason)
    {
        using var context = new TestStepContext();
        var path = context.WriteFile(file, content);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxBadFraction = 1, MaxRowBytes = 256 }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var quarantined = File.ReadAllLines(Path.Combine(context.Outputs["dataset"], "quarantine.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(quarantined, Has.Count.EqualTo(1));
        Assert.That(quarantined[0].GetProperty("source_line").GetInt64(), Is.EqualTo(line));
        Assert.That(quarantined[0].GetProperty("reason").GetString(), Does.Contain(reason));
        Assert.That(await DatasetFile.ReadAllAsync(context.Outputs["dataset"]), Has.Count.EqualTo(1));
        Assert.That(context.Metrics["rows_quarantined"], Is.EqualTo(1));
    }

    [TestCaseSource(nameof(BadRows))]
    public async Task RunAsync_BadRowOverMaxBadFraction_FailsNamingLineAndQuarantineFile(string file, byte[] content, long line, string reason)
    {
        using var context = new TestStepContext();
        var path = context.WriteFile(file, content);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxRowBytes = 256 }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain($"{Path.GetFileName(file)}:{line}: ").And.Contain(reason));
        var kept = Path.Combine(context.StateDirectory, "quarantine.jsonl");
        Assert.That(result.Error, Does.Contain(kept));
        Assert.That(File.Exists(kept), Is.True);
        // At the top of the run's artifacts, not in a folder named after the file (quarantine.jsonl/quarantine.jsonl).
        Assert.That(context.ArtifactTargets, Does.Contain((kept, (string?)null)));
    }

    [TestCase(0.25, true)]
    [TestCase(0.24, false)]
    public async Task RunAsync_BadFractionAgainstLimit_FailsOnlyAboveIt(double maxBadFraction, bool succeeds)
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("a.jsonl", $"{Good}\n{Good}\n{Good}\nnot json\n");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxBadFraction = maxBadFraction }, context, CancellationToken.None);

        Assert.That(result.Success, Is.EqualTo(succeeds), result.Error);
        Assert.That(result.Metrics["bad_fraction"], Is.EqualTo(0.25));
    }

    private static IEnumerable<TestCaseData> BrokenInputs()
    {
        TestCaseData Case(string name, string? file, string content, string error) =>
            new TestCaseData(file, content, error).SetName($"RunAsync_{name}_FailsWithClearError");
        yield return Case("MissingFile", null, "", "not found");
        yield return Case("UnknownExtension", "data.xlsx", "x", "unknown file type 'data.xlsx'");
        yield return Case("UnknownLayout", "a.jsonl", """{"foo": 1, "bar": 2}""", "a.jsonl:1: unknown format: fields [foo, bar]");
        yield return Case("EmptyJsonl", "a.jsonl", "\n\n", "no rows found");
        yield return Case("EmptyCsv", "a.csv", "", "the file is empty: expected a header row");
        yield return Case("JsonNotAnArray", "a.json", "\"text\"", "expected a JSON array");
        yield return Case("JsonArrayNotClosed", "a.json", "[{\"text\": \"a\"}, ", "not closed");
        yield return Case("CorruptGzip", "a.jsonl.gz", "this is not gzip", "cannot be read as jsonl");
    }

    [TestCaseSource(nameof(BrokenInputs))]
    public async Task RunAsync_BrokenInput_FailsWithClearError(string? file, string content, string error)
    {
        using var context = new TestStepContext();
        var path = file is null ? Path.Combine(context.Root, "missing.jsonl") : context.WriteFile(file, content);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxBadFraction = 1 }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain(error));
    }
}
