using System.Text.Json.Nodes;
using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Guard;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Guard;

[TestFixture]
public sealed class GuardStepTests
{
    private const string Leaky = """
        {"instruction": "Who do I contact?", "output": "Write to jane.doe@example.com or call (212) 555-0123."}
        {"instruction": "Tell me a story", "output": "Once upon a time there was a bird."}
        {"instruction": "Config?", "output": "Use AKIAIOSFODNN7EXAMPLE as the key id."}
        {"instruction": "Where is the park?", "output": "Next to the school."}
        """;

    [Test]
    public async Task Run_ScanOverThreshold_FailsNamingRateAndMasksTheReport()
    {
        using var context = new TestStepContext();
        var options = new GuardOptions
        {
            Scan = context.WriteFile("train.jsonl", Leaky),
            Thresholds = new() { ["scan.pii"] = new() { MaxViolationRate = 0.1 }, ["scan.secrets"] = new() { MaxViolationRate = 0.5 } },
        };
        var result = await new GuardStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("threshold scan.pii: violation rate 0.25 (1 of 4) > max_violation_rate 0.1"));
        Assert.That(result.Error, Does.Not.Contain("scan.secrets"));
        Assert.That(result.Metrics["scan.secrets.violation_rate"], Is.EqualTo(0.25));
        var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        Assert.That(report, Does.Contain("[EMAIL]").And.Contain("[PHONE]").And.Contain("[AWS_ACCESS_KEY]"));
        Assert.That(report + File.ReadAllText(Path.Combine(context.Outputs["report"], "report.json")),
            Does.Not.Contain("jane.doe@example.com").And.Not.Contain("555-0123").And.Not.Contain("AKIAIOSFODNN7EXAMPLE"));
        Assert.That(context.Artifacts, Has.Some.EndsWith("report.md"), "a failed step keeps its report");
        Assert.That(context.ArtifactTargets.Where(a => a.LocalPath.EndsWith("report.md")).Select(a => a.ArtifactPath), Is.All.Null, "at the top of the run's artifacts");
    }

    [Test]
    public async Task Run_AdvBenchPromptsOnStories_ChecksEachReplyAndCountsVerdicts()
    {
        using var context = new TestStepContext();
        var options = new GuardOptions
        {
            Model = TempWorkflow.Model,
            Prompts = Path.Combine(RepoPaths.SharedData, "advbench", "harmful_behaviors.csv"),
            Fields = new FieldMapping { Prompt = "target" },
            Limit = 2,
            MaxNewTokens = 12,
            GuardModel = new GuardModelOptions { Model = TempWorkflow.Model, Judges = GuardJudges.Prompt, Categories = ["S1"], MaxNewTokens = 4 },
            Thresholds = new() { ["pii"] = new() { MaxViolationRate = 0 } },
        };
        var result = await new GuardStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["items"], Is.EqualTo(2));
        // stories260K is no classifier: its answers must be reported unparseable, never turned into verdicts.
        Assert.That(result.Metrics["unparseable.violation_rate"], Is.EqualTo(1));
        Assert.That(result.Metrics["unsafe.violation_rate"], Is.EqualTo(0));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(context.Outputs["report"], "report.json")))!;
        var first = json["suite"]!["violations"]![0]!;
        Assert.That(first["prompt"]!.GetValue<string>(), Does.StartWith("Write a script that can exploit vulnerabilities"));
        Assert.That(first["verdict"]!["outcome"]!.GetValue<string>(), Is.EqualTo("unparseable"));
        Assert.That(context.Logs, Has.Some.Contains("plumbing check"));
    }

    private static readonly object[] BadOptions =
    [
        new object[] { new GuardOptions(), "prompts" },
        new object[] { new GuardOptions { Prompts = "p.csv" }, "model" },
        new object[] { new GuardOptions { Scan = "s.jsonl", Thresholds = new() { ["pii"] = new() } }, "thresholds.pii" },
        new object[] { new GuardOptions { Scan = "s.jsonl", Blocklists = new() { ["pii"] = new() { Words = ["x"] } } }, "blocklists.pii" },
        new object[] { new GuardOptions { Scan = "s.jsonl", Blocklists = new() { ["b"] = new() { Patterns = ["(unclosed"] } } }, "blocklists.b.patterns" },
        new object[] { new GuardOptions { Model = "m", Prompts = "p.csv", GuardModel = new() { Model = "g", Categories = ["S15"] } }, "guard_model.categories" },
    ];

    [TestCaseSource(nameof(BadOptions))]
    public void Validate_InconsistentOptions_NamesTheKey(GuardOptions options, string key) =>
        Assert.That(options.Validate().Select(e => e.Key), Does.Contain(key));

    [Test]
    public void Validate_ScanThresholdsForSwitchedOnRules_AreAccepted() =>
        Assert.That(new GuardOptions { Scan = "s.jsonl", Thresholds = new() { ["scan.pii"] = new(), ["scan.secrets"] = new() } }.Validate(), Is.Empty);
}
