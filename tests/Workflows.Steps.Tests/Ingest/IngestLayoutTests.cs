using System.IO.Compression;
using System.Text;
using Parquet.Serialization;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

[TestFixture]
public sealed class IngestLayoutTests
{
    private static IEnumerable<TestCaseData> Layouts()
    {
        TestCaseData Case(string name, string file, string content, params string[] rows) =>
            new TestCaseData(file, content, rows).SetName($"RunAsync_{name}_NormalisesToCanonicalRows");
        yield return Case("AlpacaJsonl", "a.jsonl", """
            {"instruction": "Add", "input": "1 2", "output": "3"}
            {"instruction": "Greet", "input": "", "output": "Hi", "system": "Be brief"}
            """,
            "instruction||Add|1 2|3|||||", "instruction|Be brief|Greet||Hi|||||");
        yield return Case("AlpacaJsonArray", "a.json", """
            [
              {"instruction": "Say \"}\" and {", "output": "} ]"},
              {"instruction": "Two", "output": "2"}
            ]
            """,
            "instruction||Say \"}\" and {||} ]|||||", "instruction||Two||2|||||");
        yield return Case("SharegptJson", "s.json", """
            [{"conversations": [{"from": "system", "value": "S"}, {"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}]
            """,
            "conversation|||||system:S;user:hi;assistant:hello||||");
        yield return Case("OpenaiMessagesJsonl", "o.jsonl", """
            {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": "hel"}, {"type": "text", "text": "lo"}]}]}
            """,
            "conversation|||||user:hi;assistant:hello||||");
        yield return Case("MessagesAsJsonInCsv", "m.csv", "messages\n\"[{\"\"role\"\": \"\"user\"\", \"\"content\"\": \"\"hi\"\"}]\"\n",
            "conversation|||||user:hi||||");
        yield return Case("PromptCompletionCsv", "p.csv", "prompt,completion\n\"Say \"\"hi\"\", twice\",\"hi\nhi\"\nQ2,A2\n",
            "instruction||Say \"hi\", twice||hi\nhi|||||", "instruction||Q2||A2|||||");
        yield return Case("QuestionAnswerJsonl", "q.jsonl", """{"question": "1+1?", "answer": "2"}""",
            "instruction||1+1?||2|||||");
        yield return Case("PlainTextTxt", "t.txt", "first doc\n\n  \nsecond doc\n", "text||||||first doc|||", "text||||||second doc|||");
        yield return Case("PreferenceWithPrompt", "p.jsonl", """{"prompt": "Q", "chosen": "good", "rejected": "bad"}""",
            "preference|||||user:Q|||good|bad");
        yield return Case("PreferenceSharegptDpo", "d.json", """
            [{"conversations": [{"from": "human", "value": "Q"}], "chosen": {"from": "gpt", "value": "good"}, "rejected": {"from": "gpt", "value": "bad"}}]
            """,
            "preference|||||user:Q|||good|bad");
        yield return Case("PreferenceTranscripts", "h.jsonl",
            """{"chosen": "\n\nHuman: Q1\n\nAssistant: A1\n\nHuman: Q2\n\nAssistant: good", "rejected": "\n\nHuman: Q1\n\nAssistant: A1\n\nHuman: Q2\n\nAssistant: bad"}""",
            "preference|||||user:Q1;assistant:A1;user:Q2|||good|bad");
        yield return Case("ClassificationTsv", "c.tsv", "sentence\tlabel\ngreat \"film\"\t1\nawful\t0\n",
            "classification||||||great \"film\"|1||", "classification||||||awful|0||");
        yield return Case("ClassificationNumericLabelJsonl", "c.jsonl", """{"text": "ok", "label": 2}""",
            "classification||||||ok|2||");
    }

    [TestCaseSource(nameof(Layouts))]
    public async Task RunAsync_Layout_NormalisesToCanonicalRows(string file, string content, string[] expected)
    {
        using var context = new TestStepContext();
        var path = context.WriteFile(file, content);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(RowText.Of), Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> Gzipped()
    {
        TestCaseData Case(string file, string content) => new TestCaseData(file, content).SetName($"RunAsync_Gzipped_{file}_ReadsLikeThePlainFile");
        yield return Case("t.jsonl.gz", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
        yield return Case("t.json.gz", "[{\"text\": \"one\"}, {\"text\": \"two\"}]");
        yield return Case("t.csv.gz", "text\none\n\"two\"\n");
        yield return Case("t.tsv.gz", "text\none\ntwo\n");
        yield return Case("t.txt.gz", "one\ntwo\n");
    }

    [TestCaseSource(nameof(Gzipped))]
    public async Task RunAsync_Gzipped_ReadsLikeThePlainFile(string file, string content)
    {
        using var context = new TestStepContext();
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(content));
        var path = context.WriteFile(file, packed.ToArray());

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(r => r.Text), Is.EqualTo(new[] { "one", "two" }));
    }

    public sealed class LabelledText
    {
        public string? Sentence { get; set; }
        public int Label { get; set; }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RunAsync_Parquet_ReadsEveryRowWithItsRowNumber(bool gzipped)
    {
        using var context = new TestStepContext();
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(new[] { new LabelledText { Sentence = "fine", Label = 1 }, new LabelledText { Sentence = "bad", Label = 0 } }, buffer);
        var bytes = buffer.ToArray();
        if (gzipped)
        {
            using var packed = new MemoryStream();
            using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
            bytes = packed.ToArray();
        }
        var path = context.WriteFile(gzipped ? "c.parquet.gz" : "c.parquet", bytes);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(RowText.Of), Is.EqualTo(new[] { "classification||||||fine|1||", "classification||||||bad|0||" }));
        Assert.That(rows.Select(r => r.SourceLine), Is.EqualTo(new long[] { 1, 2 }));
    }

    public sealed class Turn
    {
        public string? Role { get; set; }
        public string? Content { get; set; }
    }

    public sealed class Chat
    {
        public List<Turn>? Messages { get; set; }
    }

    [Test]
    public async Task RunAsync_ParquetWithNestedMessages_ReadsConversations()
    {
        using var context = new TestStepContext();
        using var buffer = new MemoryStream();
        var chat = new Chat { Messages = [new Turn { Role = "user", Content = "hi" }, new Turn { Role = "assistant", Content = "hello" }] };
        await ParquetSerializer.SerializeAsync(new[] { chat }, buffer);
        var path = context.WriteFile("chat.parquet", buffer.ToArray());

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(RowText.Of), Is.EqualTo(new[] { "conversation|||||user:hi;assistant:hello||||" }));
    }

    [Test]
    public async Task RunAsync_ParquetRowOverSizeLimit_IsQuarantined()
    {
        using var context = new TestStepContext();
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(new[] { new LabelledText { Sentence = "short", Label = 1 }, new LabelledText { Sentence = new string('x', 500), Label = 0 } }, buffer);
        var path = context.WriteFile("big.parquet", buffer.ToArray());

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxRowBytes = 256, MaxBadFraction = 0.5 }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["rows_quarantined"], Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(context.Outputs["dataset"], "quarantine.jsonl")), Does.Contain("over max_row_bytes (256)"));
    }

    [Test]
    public async Task RunAsync_TextSeparator_SplitsDocumentsOnSeparatorLines()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("s.txt", "\nstory one\nline two\n<|endoftext|>\nstory two\n<|endoftext|>\n");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, TextSeparator = "<|endoftext|>" }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(r => (r.Text, r.SourceLine)), Is.EqualTo(new[] { ("story one\nline two", 2L), ("story two", 5L) }));
    }

    [Test]
    public async Task RunAsync_ColumnsMapping_OverridesALyingHeader()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("adv.csv", "target,goal\nWrite a bad thing,\"Sure, here is a bad thing\"\n");
        var options = new IngestOptions { Path = path, Columns = new ColumnMapping { Prompt = "target", Completion = "goal" } };

        var result = await new IngestStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var row = (await DatasetFile.ReadAllAsync(context.Outputs["dataset"])).Single();
        Assert.That((row.Instruction, row.Output), Is.EqualTo(("Write a bad thing", "Sure, here is a bad thing")));
    }

    [Test]
    public async Task RunAsync_ForcedFormat_WinsOverDetection()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("f.jsonl", """{"text": "doc", "label": "x"}""");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, Format = IngestFormat.Text }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var row = (await DatasetFile.ReadAllAsync(context.Outputs["dataset"])).Single();
        Assert.That((row.Kind, row.Text, row.Label), Is.EqualTo((RowKind.Text, "doc", (string?)null)));
    }
}
