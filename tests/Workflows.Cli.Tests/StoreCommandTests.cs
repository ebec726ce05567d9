namespace Workflows.Cli.Tests;

/// <summary>`wf verify`, `wf gc` and damaged records as a user meets them.</summary>
[NonParallelizable]
public sealed class StoreCommandTests
{
    private const string Workflow = """
        api_version: workflows/v1
        name: store
        tracking: { enabled: false }
        steps:
          ingest: { uses: ingest, with: { path: data.jsonl } }
          augment: { uses: augment, with: { dataset: "${{ steps.ingest.outputs.dataset }}", template_vars: { name: Sparky } } }
        """;

    private string _project = null!;

    [SetUp]
    public void CreateProject()
    {
        _project = Directory.CreateTempSubdirectory("wf-store-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(_project, ".wf"));
        File.WriteAllText(Path.Combine(_project, "wf.yaml"), Workflow);
        File.WriteAllText(Path.Combine(_project, "data.jsonl"),
            "{\"instruction\": \"Who are you?\", \"output\": \"I am {{name}}.\"}\n{\"instruction\": \"Hi\", \"output\": \"Hello, I am {{name}}.\"}\n");
    }

    [TearDown]
    public void RemoveProject() => Directory.Delete(_project, recursive: true);

    private string Store => Path.Combine(_project, ".wf", "store");

    [Test]
    public void Verify_IntactStore_ExitsZero_AndAFlippedByteIsNamedWithExitOne()
    {
        Assert.That(WfCommand.Run(_project, "run", "wf.yaml").ExitCode, Is.Zero);
        var ok = WfCommand.Run(_project, "verify");
        Assert.That(ok.ExitCode, Is.Zero, ok.Out);
        Assert.That(ok.Out, Does.Contain("checked 2 artifact(s)").And.Contain("all intact"));

        var file = Directory.GetFiles(Store, "data.parquet", SearchOption.AllDirectories).First();
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        var damaged = WfCommand.Run(_project, "verify");
        Assert.That(damaged.ExitCode, Is.EqualTo(1));
        Assert.That(damaged.Out, Does.Contain($"{file}: sha256 ").And.Contain("1 damaged"));

        var quarantined = WfCommand.Run(_project, "verify", "--quarantine");
        Assert.That(quarantined.Out, Does.Contain("moved to " + Path.Combine(_project, ".wf", "quarantine")));
        Assert.That(WfCommand.Run(_project, "verify").ExitCode, Is.Zero);
        Assert.That(WfCommand.Run(_project, "run", "wf.yaml").ExitCode, Is.Zero, "the damaged step's producer runs again");
    }

    [Test]
    public void ShowAndResume_CorruptRunRecord_SayCorruptWithThePath()
    {
        WfCommand.Run(_project, "run", "wf.yaml");
        var record = Directory.GetFiles(Path.Combine(_project, ".wf", "runs"), "run.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(record, "{ \"id\": \"trunc");
        foreach (var command in new[] { "show", "resume" })
        {
            var result = WfCommand.Run(_project, command, "latest");
            Assert.That(result.ExitCode, Is.EqualTo(1), command);
            Assert.That(result.Error, Does.StartWith("no runs yet"), command); // no readable run to call latest
            var runId = Path.GetFileName(Path.GetDirectoryName(record))!;
            result = WfCommand.Run(_project, command, runId);
            Assert.That(result.ExitCode, Is.EqualTo(1), command);
            Assert.That(result.Error, Does.Contain($"the record of run {runId} is corrupt: {record}"), command);
        }
        Assert.That(WfCommand.Run(_project, "runs").Error, Does.Contain("is corrupt"));
        Assert.That(WfCommand.Run(_project, "verify").ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void Gc_DryRunByDefault_ListsWithSizes_AndYesRemoves()
    {
        WfCommand.Run(_project, "run", "wf.yaml");
        var stray = Path.Combine(_project, ".wf", "quarantine", "abc-20261130");
        Directory.CreateDirectory(stray);
        File.WriteAllText(Path.Combine(stray, "data.parquet"), new string('x', 2048));

        var dry = WfCommand.Run(_project, "gc");
        Assert.That(dry.ExitCode, Is.Zero);
        Assert.That(dry.Out, Does.Contain("would remove 1 item(s), 2.0 KB").And.Contain("2.0 KB  .wf/quarantine/abc-20261130").And.Contain("dry run"));
        Assert.That(Directory.Exists(stray), Is.True);

        Assert.That(WfCommand.Run(_project, "gc", "--yes").Out, Does.Contain("removing 1 item(s)"));
        Assert.That(Directory.Exists(stray), Is.False);
        Assert.That(WfCommand.Run(_project, "gc").Out, Does.Contain("nothing to remove"));
        Assert.That(WfCommand.Run(_project, "run", "wf.yaml").Out, Does.Contain("nothing to do, every step was cached"));
    }
}
