using System.Text;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>Damaged files of every type end in a result, never an exception: bad data is an outcome.</summary>
[TestFixture]
public sealed class IngestRobustnessTests
{
    private static readonly (string File, string Content)[] Seeds =
    [
        ("a.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"text\": \"x\", \"label\": 1}\n"),
        ("a.json", "[{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}], \"chosen\": {\"from\": \"gpt\", \"value\": \"y\"}, \"rejected\": \"n\"}, {\"instruction\": \"a\", \"output\": \"b\"}]"),
        ("a.csv", "prompt,completion\n\"multi\nline\",\"x, y\"\nq,a\n"),
        ("a.tsv", "sentence\tlabel\ngood\t1\nbad\t0\n"),
        ("a.txt", "one\n\ntwo\n<|endoftext|>\nthree\n"),
    ];

    private static IEnumerable<TestCaseData> Damaged()
    {
        var random = new StableRandom(2024);
        foreach (var (file, content) in Seeds)
            for (var i = 0; i < 25; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(content).ToList();
                for (var edits = 1 + random.Next(4); edits > 0 && bytes.Count > 0; edits--)
                {
                    var at = random.Next(bytes.Count);
                    switch (random.Next(3))
                    {
                        case 0: bytes[at] = (byte)random.Next(256); break;
                        case 1: bytes.RemoveAt(at); break;
                        default: bytes.RemoveRange(at, bytes.Count - at); break;
                    }
                }
                yield return new TestCaseData(file, bytes.ToArray()).SetName($"RunAsync_Damaged_{file}_{i}_ReturnsAResult");
            }
    }

    [TestCaseSource(nameof(Damaged))]
    public async Task RunAsync_DamagedFile_ReturnsAResultWithoutThrowing(string file, byte[] content)
    {
        using var context = new TestStepContext();
        var path = context.WriteFile(file, content);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, MaxBadFraction = 0.5 }, context, CancellationToken.None);

        if (result.Success) Assert.That(await DatasetFile.ReadAllAsync(context.Outputs["dataset"]), Is.Not.Empty);
        else Assert.That(result.Error, Is.Not.Empty);
    }
}
